SELECT EXTRACT(YEAR FROM ordered_at AT TIME ZONE 'UTC')::int AS year, COUNT(*) AS orders
FROM orders
GROUP BY year
ORDER BY year;
