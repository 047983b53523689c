-- Defect: BETWEEN ... '2024-03-31' ends at midnight when March 31st begins: that day's orders are lost.
SELECT o.id AS order_id, c.name AS customer_name, o.ordered_at
FROM orders AS o
JOIN customers AS c ON c.id = o.customer_id
WHERE o.ordered_at BETWEEN '2024-03-01 00:00:00+00' AND '2024-03-31 00:00:00+00';
