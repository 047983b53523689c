"""Dates: the calendar year of a timestamptz, counted per year in UTC."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .compare import SortKey
from .task import Task, judge

PER_YEAR = Task(
    "queries/09_orders_per_year.sql", ("year", "orders"),
    "SELECT date_part('year', ordered_at AT TIME ZONE 'UTC')::int AS year, count(*) AS orders "
    "FROM orders GROUP BY 1",
    order=(SortKey("year"),),
    types=(("year", "integer"), ("orders", "integer")),
)


@check("sql.dates.per_year", services=["postgres"], needs_app=False)
def per_year(ctx: CheckContext) -> None:
    """09: the number of orders placed in each calendar year (UTC), oldest year first."""
    judge(ctx, PER_YEAR)
