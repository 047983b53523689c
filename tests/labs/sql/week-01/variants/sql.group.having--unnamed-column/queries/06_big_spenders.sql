-- Variant: the computed column is not named: PostgreSQL calls it "sum", the task "total".
SELECT o.customer_id, SUM(i.quantity * i.unit_price)
FROM orders AS o
JOIN order_items AS i ON i.order_id = o.id
WHERE o.status <> 'cancelled'
GROUP BY o.customer_id
HAVING SUM(i.quantity * i.unit_price) > 10000;
