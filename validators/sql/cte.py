"""Common table expressions: a result computed once and read twice."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .task import Task, judge

COMPARE_YEARS = Task(
    "queries/05_growing_customers.sql", ("customer_id", "spent_2023", "spent_2024"),
    "WITH spent AS (SELECT o.customer_id, date_part('year', o.ordered_at AT TIME ZONE 'UTC')::int AS year, "
    "sum(i.quantity * i.unit_price) AS total FROM orders o JOIN order_items i ON i.order_id = o.id "
    "WHERE o.status <> 'cancelled' GROUP BY 1, 2) "
    "SELECT a.customer_id, a.total AS spent_2023, b.total AS spent_2024 FROM spent a "
    "JOIN spent b ON b.customer_id = a.customer_id AND b.year = 2024 WHERE a.year = 2023 AND b.total > a.total",
)


@check("sql.cte.compare_years", services=["postgres"], needs_app=False)
def compare_years(ctx: CheckContext) -> None:
    """05: customers who bought in 2023 and 2024 and spent more in 2024 (a CTE read for both years)."""
    judge(ctx, COMPARE_YEARS)
