WITH monthly AS (
  SELECT date_trunc('month', o.ordered_at AT TIME ZONE 'UTC')::date AS month,
         SUM(i.quantity * i.unit_price) AS revenue
  FROM orders AS o
  JOIN order_items AS i ON i.order_id = o.id
  WHERE o.status <> 'cancelled'
    AND o.ordered_at >= '2024-01-01 00:00+00' AND o.ordered_at < '2025-01-01 00:00+00'
  GROUP BY 1
)
SELECT month, revenue, SUM(revenue) OVER (ORDER BY month) AS running_total
FROM monthly
ORDER BY month;
