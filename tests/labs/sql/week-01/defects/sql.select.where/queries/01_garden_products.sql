-- Defect: `price > 25` where the task says 25.00 or more: a product at exactly 25.00 is lost.
SELECT id, name, price
FROM products
WHERE category = 'Garden'
  AND NOT discontinued
  AND price > 25;
