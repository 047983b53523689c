-- Defect: the subquery is not correlated: every product is compared with the average of all products.
SELECT p.id, p.name, p.category, p.price
FROM products AS p
WHERE p.price > (SELECT AVG(q.price) FROM products AS q);
