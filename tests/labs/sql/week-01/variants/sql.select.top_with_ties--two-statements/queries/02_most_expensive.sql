-- Variant: a right answer followed by a second statement: a file holds one statement, and the DELETE never runs.
SELECT id, name, price FROM products ORDER BY price DESC FETCH FIRST 10 ROWS WITH TIES;
DELETE FROM order_items;
