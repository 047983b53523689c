SELECT o.customer_id, SUM(i.quantity * i.unit_price) AS total
FROM orders AS o
JOIN order_items AS i ON i.order_id = o.id
WHERE o.status <> 'cancelled'
GROUP BY o.customer_id
HAVING SUM(i.quantity * i.unit_price) > 10000;
