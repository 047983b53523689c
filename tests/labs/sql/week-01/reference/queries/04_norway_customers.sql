-- COUNT(o.id), not COUNT(*): a customer without orders has one row of NULLs after the LEFT JOIN.
SELECT c.id AS customer_id, c.name, COUNT(o.id) AS orders
FROM customers AS c
LEFT JOIN orders AS o ON o.customer_id = c.id
WHERE c.country = 'NO'
GROUP BY c.id, c.name;
