-- Defect: LIMIT 10 cuts the products that cost as much as the 10th.
SELECT id, name, price
FROM products
ORDER BY price DESC
LIMIT 10;
