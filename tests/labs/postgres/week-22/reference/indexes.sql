-- Runs as shop_owner on the loaded shop.
-- The login looks customers up by lower(email): an index on the expression, not on the column.
CREATE INDEX customers_lower_email_idx ON customers (lower(email));
-- A customer's latest orders: the customer first (equality), then the order the query sorts by.
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at);
-- day_orders, once rewritten as a range on created_at.
CREATE INDEX orders_created_idx ON orders (created_at);
-- customer_by_name.
CREATE INDEX customers_name_idx ON customers (name);
-- Nothing on status: the workload updates it on every transaction, and an indexed column turns
-- each of those HOT updates into a new entry in every index of orders.
