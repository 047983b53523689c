-- A half-open range on the column itself: the index on created_at can serve it, and an order at
-- exactly midnight belongs to the next day only.
SELECT id, customer_id, total FROM orders
WHERE created_at >= :'day'::date AND created_at < :'day'::date + 1;
