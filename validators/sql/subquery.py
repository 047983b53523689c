"""Subqueries: a value computed per row of the outer query (a correlated subquery)."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .task import Task, judge

CORRELATED = Task(
    "queries/07_above_category_average.sql", ("id", "name", "category", "price"),
    "WITH average AS (SELECT category, avg(price) AS price FROM products GROUP BY category) "
    "SELECT p.id, p.name, p.category, p.price FROM products p JOIN average a USING (category) WHERE p.price > a.price",
)


@check("sql.subquery.correlated", services=["postgres"], needs_app=False)
def correlated(ctx: CheckContext) -> None:
    """07: the products that cost more than the average of their own category."""
    judge(ctx, CORRELATED)
