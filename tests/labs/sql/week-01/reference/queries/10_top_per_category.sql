SELECT p.category, p.id, p.name, p.price
FROM products AS p
WHERE p.price = (SELECT MAX(price) FROM products WHERE category = p.category);
