SELECT p.id, p.name, p.category, p.price
FROM products AS p
WHERE p.price > (SELECT AVG(q.price) FROM products AS q WHERE q.category = p.category);
