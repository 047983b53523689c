-- Task 01, as given: one order by its reference. Keep it, or rewrite it with the same rows.
SELECT id, user_id, amount, created_at FROM events WHERE order_ref = 'R0424242';
