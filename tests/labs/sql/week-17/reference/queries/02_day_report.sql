-- The column alone on one side: an index on created_at serves a half-open range of one day.
SELECT id, amount
FROM events
WHERE created_at >= '2024-05-01 00:00+00' AND created_at < '2024-05-02 00:00+00';
