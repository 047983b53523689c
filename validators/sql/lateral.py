"""LATERAL: a subquery run for each row before it, here the top N of each group."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .task import Task, judge

TOP_N = Task(
    "queries/07_top_sellers.sql", ("category", "id", "units"),
    "WITH units AS (SELECT i.product_id, sum(i.quantity) AS units FROM order_items i "
    "JOIN orders o ON o.id = i.order_id WHERE o.status <> 'cancelled' AND i.product_id IS NOT NULL GROUP BY 1) "
    "SELECT category, id, units FROM (SELECT p.category, p.id, u.units, "
    "row_number() OVER (PARTITION BY p.category ORDER BY u.units DESC, p.id) AS place "
    "FROM products p JOIN units u ON u.product_id = p.id) ranked WHERE place <= 3",
)


@check("sql.lateral.top_n", services=["postgres"], needs_app=False)
def top_n(ctx: CheckContext) -> None:
    """07: each category's three best-selling products by units, ties to the lower id."""
    judge(ctx, TOP_N)
