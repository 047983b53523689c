-- Defect: 3 PRECEDING averages four months, not three.
WITH monthly AS (
  SELECT date_trunc('month', ordered_at AT TIME ZONE 'UTC')::date AS month, COUNT(*) AS orders
  FROM orders
  WHERE ordered_at >= '2023-01-01 00:00+00' AND ordered_at < '2025-01-01 00:00+00'
  GROUP BY 1
)
SELECT month, orders,
       ROUND(AVG(orders) OVER (ORDER BY month ROWS BETWEEN 3 PRECEDING AND CURRENT ROW), 2) AS avg_3m
FROM monthly
ORDER BY month;
