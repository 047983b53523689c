SELECT id, name, price
FROM products
WHERE category = 'Garden'
  AND NOT discontinued
  AND price >= 25.00;
