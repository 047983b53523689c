-- Variant: the right rows from a correlated subquery instead of a window function: the plan has no WindowAgg.
WITH monthly AS (
  SELECT date_trunc('month', o.ordered_at AT TIME ZONE 'UTC')::date AS month,
         SUM(i.quantity * i.unit_price) AS revenue
  FROM orders AS o
  JOIN order_items AS i ON i.order_id = o.id
  WHERE o.status <> 'cancelled'
    AND o.ordered_at >= '2024-01-01 00:00+00' AND o.ordered_at < '2025-01-01 00:00+00'
  GROUP BY 1
)
SELECT m.month, m.revenue, (SELECT SUM(e.revenue) FROM monthly AS e WHERE e.month <= m.month) AS running_total
FROM monthly AS m
ORDER BY m.month;
