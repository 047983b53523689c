-- Task 03, as given: the rare failed payments.
SELECT id, order_ref, amount FROM events WHERE status = 'failed';
