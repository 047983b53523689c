"""Joins: INNER with a date range, LEFT keeping the unmatched rows, and the anti-join."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .task import Task, judge

INNER = Task(
    "queries/03_march_orders.sql", ("order_id", "customer_name", "ordered_at"),
    "SELECT o.id AS order_id, c.name AS customer_name, o.ordered_at FROM orders o "
    "JOIN customers c ON c.id = o.customer_id "
    "WHERE o.ordered_at >= timestamptz '2024-03-01 00:00+00' AND o.ordered_at < timestamptz '2024-04-01 00:00+00'",
)
LEFT = Task(
    "queries/04_norway_customers.sql", ("customer_id", "name", "orders"),
    "SELECT c.id AS customer_id, c.name, count(o.id) AS orders FROM customers c "
    "LEFT JOIN orders o ON o.customer_id = c.id WHERE c.country = 'NO' GROUP BY c.id, c.name",
)
ANTI = Task(
    "queries/05_unsold_products.sql", ("id", "name"),
    "SELECT p.id, p.name FROM products p WHERE NOT EXISTS (SELECT FROM order_items i WHERE i.product_id = p.id)",
)


@check("sql.join.inner", services=["postgres"], needs_app=False)
def inner(ctx: CheckContext) -> None:
    """03: the orders of March 2024 (UTC) with their customer's name (INNER JOIN, a half-open date range)."""
    judge(ctx, INNER)


@check("sql.join.left", services=["postgres"], needs_app=False)
def left(ctx: CheckContext) -> None:
    """04: every Norwegian customer with their number of orders, 0 for none (LEFT JOIN, COUNT of a column)."""
    judge(ctx, LEFT)


@check("sql.join.anti", services=["postgres"], needs_app=False)
def anti(ctx: CheckContext) -> None:
    """05: the products nobody ordered (an anti-join that a NULL product_id does not defeat)."""
    judge(ctx, ANTI)
