-- A half-open range: every moment of March 31st, nothing of April 1st.
SELECT o.id AS order_id, c.name AS customer_name, o.ordered_at
FROM orders AS o
JOIN customers AS c ON c.id = o.customer_id
WHERE o.ordered_at >= '2024-03-01 00:00:00+00'
  AND o.ordered_at <  '2024-04-01 00:00:00+00';
