-- Defect: BETWEEN includes its end: the event at exactly midnight on May 2nd comes back too.
SELECT id, amount
FROM events
WHERE created_at BETWEEN '2024-05-01 00:00+00' AND '2024-05-02 00:00+00';
