"""GROUPING SETS / ROLLUP: totals at several levels in one query."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .task import Task, judge

ROLLUP = Task(
    "queries/08_revenue_rollup.sql", ("country", "year", "revenue"),
    "SELECT c.country, date_part('year', o.ordered_at AT TIME ZONE 'UTC')::int AS year, "
    "sum(i.quantity * i.unit_price) AS revenue FROM orders o JOIN customers c ON c.id = o.customer_id "
    "JOIN order_items i ON i.order_id = o.id WHERE o.status <> 'cancelled' "
    "GROUP BY ROLLUP (c.country, date_part('year', o.ordered_at AT TIME ZONE 'UTC')::int)",
)


@check("sql.grouping.rollup", services=["postgres"], needs_app=False)
def rollup(ctx: CheckContext) -> None:
    """08: revenue per country and year, per country, and in total, in one query (ROLLUP or GROUPING SETS)."""
    judge(ctx, ROLLUP)
