-- The report as given. Rewrite it here: the same rows, faster (the README says how it is judged).
SELECT id, email, country FROM customers WHERE name = :'name';
