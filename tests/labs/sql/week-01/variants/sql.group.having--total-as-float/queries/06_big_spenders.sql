-- Variant: the right totals, cast to a float (double precision): money that is no longer exact.
SELECT o.customer_id, SUM(i.quantity * i.unit_price)::float AS total
FROM orders AS o
JOIN order_items AS i ON i.order_id = o.id
WHERE o.status <> 'cancelled'
GROUP BY o.customer_id
HAVING SUM(i.quantity * i.unit_price) > 10000;
