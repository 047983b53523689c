-- Variant: NULLIF turns the empty email into 'no email' too: '' is not NULL, and the task keeps it.
SELECT id, name, COALESCE(NULLIF(email, ''), 'no email') AS contact
FROM customers
WHERE city IS NULL;
