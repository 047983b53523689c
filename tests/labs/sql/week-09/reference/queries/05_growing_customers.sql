WITH spent AS (
  SELECT o.customer_id,
         SUM(i.quantity * i.unit_price) FILTER (WHERE o.ordered_at >= '2023-01-01 00:00+00'
                                                 AND o.ordered_at <  '2024-01-01 00:00+00') AS spent_2023,
         SUM(i.quantity * i.unit_price) FILTER (WHERE o.ordered_at >= '2024-01-01 00:00+00'
                                                 AND o.ordered_at <  '2025-01-01 00:00+00') AS spent_2024
  FROM orders AS o
  JOIN order_items AS i ON i.order_id = o.id
  WHERE o.status <> 'cancelled'
  GROUP BY o.customer_id
)
SELECT customer_id, spent_2023, spent_2024
FROM spent
WHERE spent_2024 > spent_2023;  -- NULL (no order that year) is never greater, nor less
