-- Defect: COUNT(*) counts the LEFT JOIN's row of NULLs: a customer without orders gets 1, not 0.
SELECT c.id AS customer_id, c.name, COUNT(*) AS orders
FROM customers AS c
LEFT JOIN orders AS o ON o.customer_id = c.id
WHERE c.country = 'NO'
GROUP BY c.id, c.name;
