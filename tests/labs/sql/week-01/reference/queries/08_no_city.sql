SELECT id, name, COALESCE(email, 'no email') AS contact
FROM customers
WHERE city IS NULL;
