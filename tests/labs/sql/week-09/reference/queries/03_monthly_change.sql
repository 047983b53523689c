SELECT month, orders, orders - LAG(orders) OVER w AS change
FROM (
  SELECT date_trunc('month', ordered_at AT TIME ZONE 'UTC')::date AS month, COUNT(*) AS orders
  FROM orders
  WHERE ordered_at >= '2024-01-01 00:00+00' AND ordered_at < '2025-01-01 00:00+00'
  GROUP BY 1
) AS monthly
WINDOW w AS (ORDER BY month)
ORDER BY month;
