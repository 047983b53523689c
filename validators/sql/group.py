"""Grouping: aggregates filtered with HAVING, and the top row(s) of each group."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .task import Task, judge

HAVING = Task(
    "queries/06_big_spenders.sql", ("customer_id", "total"),
    "SELECT o.customer_id, sum(i.quantity * i.unit_price) AS total FROM orders o "
    "JOIN order_items i ON i.order_id = o.id WHERE o.status <> 'cancelled' "
    "GROUP BY o.customer_id HAVING sum(i.quantity * i.unit_price) > 10000",
    types=(("total", "numeric"),),
)
TOP_PER_GROUP = Task(
    "queries/10_top_per_category.sql", ("category", "id", "name", "price"),
    "SELECT category, id, name, price FROM ("
    " SELECT p.*, rank() OVER (PARTITION BY category ORDER BY price DESC) AS place FROM products p"
    ") ranked WHERE place = 1",
)


@check("sql.group.having", services=["postgres"], needs_app=False)
def having(ctx: CheckContext) -> None:
    """06: customers whose orders, cancelled ones left out, add up to more than 10000 (WHERE, GROUP BY, HAVING)."""
    judge(ctx, HAVING)


@check("sql.group.top_per_group", services=["postgres"], needs_app=False)
def top_per_group(ctx: CheckContext) -> None:
    """10: the most expensive product of each category, all of them when several share the top price."""
    judge(ctx, TOP_PER_GROUP)
