-- Defect: `city = NULL` is never true (it is NULL): no customer comes back.
SELECT id, name, COALESCE(email, 'no email') AS contact
FROM customers
WHERE city = NULL;
