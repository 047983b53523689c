-- Defect: the LIMIT is outside the per-category subquery: three products in all, not three per category.
SELECT p.category, p.id, SUM(i.quantity) AS units
FROM products AS p
JOIN order_items AS i ON i.product_id = p.id
JOIN orders AS o ON o.id = i.order_id
WHERE o.status <> 'cancelled'
GROUP BY p.category, p.id
ORDER BY units DESC, p.id
LIMIT 3;
