"""NULL logic: IS NULL (never = NULL), COALESCE, and NULL kept apart from ''."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .task import Task, judge

COALESCE = Task(
    "queries/08_no_city.sql", ("id", "name", "contact"),
    "SELECT id, name, CASE WHEN email IS NULL THEN 'no email' ELSE email END AS contact "
    "FROM customers WHERE city IS NULL",
)


@check("sql.nulls.coalesce", services=["postgres"], needs_app=False)
def coalesce(ctx: CheckContext) -> None:
    """08: customers without a city, with their email or 'no email' when it is NULL (an empty email stays '')."""
    judge(ctx, COALESCE)
