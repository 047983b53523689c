-- Variant: the right rows in the opposite order: the task asks for the oldest year first.
SELECT EXTRACT(YEAR FROM ordered_at AT TIME ZONE 'UTC')::int AS year, COUNT(*) AS orders
FROM orders
GROUP BY year
ORDER BY year DESC;
