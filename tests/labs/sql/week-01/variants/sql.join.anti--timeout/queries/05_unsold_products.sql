-- Variant: a query that runs past the statement timeout: it is cancelled and its check says so.
SELECT p.id, p.name
FROM products AS p
CROSS JOIN pg_sleep(60)
WHERE NOT EXISTS (SELECT FROM order_items AS i WHERE i.product_id = p.id);
