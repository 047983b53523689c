-- Variant: the right rows, but EXTRACT gives the year as a numeric where the task asks for an integer.
SELECT EXTRACT(YEAR FROM ordered_at AT TIME ZONE 'UTC') AS year, COUNT(*) AS orders
FROM orders
GROUP BY year
ORDER BY year;
