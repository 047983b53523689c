-- LEFT JOIN ... IS NULL; NOT IN would return nothing, as order_items.product_id holds NULLs.
SELECT p.id, p.name
FROM products AS p
LEFT JOIN order_items AS i ON i.product_id = p.id
WHERE i.order_id IS NULL;
