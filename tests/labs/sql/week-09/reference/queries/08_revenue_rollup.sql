SELECT c.country,
       EXTRACT(YEAR FROM o.ordered_at AT TIME ZONE 'UTC') AS year,
       SUM(i.quantity * i.unit_price) AS revenue
FROM orders AS o
JOIN customers AS c ON c.id = o.customer_id
JOIN order_items AS i ON i.order_id = o.id
WHERE o.status <> 'cancelled'
GROUP BY GROUPING SETS ((c.country, EXTRACT(YEAR FROM o.ordered_at AT TIME ZONE 'UTC')), (c.country), ());
