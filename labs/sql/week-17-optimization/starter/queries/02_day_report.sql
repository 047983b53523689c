-- Task 02, as given: one day's events (UTC). No index on created_at can serve this WHERE as written.
SELECT id, amount FROM events WHERE date(created_at AT TIME ZONE 'UTC') = DATE '2024-05-01';
