-- Variant: INNER JOIN instead of LEFT JOIN: the customers without orders disappear instead of counting 0.
SELECT c.id AS customer_id, c.name, COUNT(o.id) AS orders
FROM customers AS c
JOIN orders AS o ON o.customer_id = c.id
WHERE c.country = 'NO'
GROUP BY c.id, c.name;
