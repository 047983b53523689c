-- Defect: the order_ref index created twice, under two names.
-- 01: equality on order_ref.
CREATE INDEX events_order_ref ON events (order_ref);
-- 02: a range on created_at (the query is rewritten so that the column stands alone).
CREATE INDEX events_created_at ON events (created_at);
-- 03: failed payments are one row in two thousand: index only those.
CREATE INDEX events_failed ON events (id) INCLUDE (order_ref, amount) WHERE status = 'failed';
-- 04: user_id to find the rows, amount carried in the index: no visit to the table.
CREATE INDEX events_user_amount ON events (user_id) INCLUDE (amount);
CREATE INDEX events_order_ref_lookup ON events (order_ref);
