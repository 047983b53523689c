-- Defect: NOT IN over a column holding NULLs is never true: no product comes back.
SELECT p.id, p.name
FROM products AS p
WHERE p.id NOT IN (SELECT product_id FROM order_items);
