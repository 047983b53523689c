-- Task 04, as given: totals for a range of users.
SELECT user_id, sum(amount) AS total FROM events WHERE user_id BETWEEN 5000 AND 5200 GROUP BY user_id;
