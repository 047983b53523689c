SELECT c.category, top.id, top.units
FROM (SELECT DISTINCT category FROM products) AS c
CROSS JOIN LATERAL (
  SELECT p.id, SUM(i.quantity) AS units
  FROM products AS p
  JOIN order_items AS i ON i.product_id = p.id
  JOIN orders AS o ON o.id = i.order_id
  WHERE p.category = c.category AND o.status <> 'cancelled'
  GROUP BY p.id
  ORDER BY units DESC, p.id
  LIMIT 3
) AS top;
