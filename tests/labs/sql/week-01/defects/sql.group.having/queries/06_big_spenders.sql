-- Defect: the cancelled orders are not filtered out before grouping, so they count towards the total.
SELECT o.customer_id, SUM(i.quantity * i.unit_price) AS total
FROM orders AS o
JOIN order_items AS i ON i.order_id = o.id
GROUP BY o.customer_id
HAVING SUM(i.quantity * i.unit_price) > 10000;
