-- Defect: DISTINCT ON keeps one row per category: a product tied for the top price is dropped.
SELECT DISTINCT ON (category) category, id, name, price
FROM products
ORDER BY category, price DESC;
