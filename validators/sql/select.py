"""Filtering and ordering one table: WHERE, ORDER BY with LIMIT and ties."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .compare import SortKey
from .task import Task, judge

WHERE = Task(
    "queries/01_garden_products.sql", ("id", "name", "price"),
    "SELECT id, name, price FROM products WHERE category = 'Garden' AND NOT discontinued AND price >= 25",
)
TOP_WITH_TIES = Task(
    "queries/02_most_expensive.sql", ("id", "name", "price"),
    "SELECT id, name, price FROM products ORDER BY price DESC FETCH FIRST 10 ROWS WITH TIES",
    order=(SortKey("price", descending=True),),
)


@check("sql.select.where", services=["postgres"], needs_app=False)
def where(ctx: CheckContext) -> None:
    """01: Garden products still sold at 25.00 or more (WHERE with AND, NOT and a bound)."""
    judge(ctx, WHERE)


@check("sql.select.top_with_ties", services=["postgres"], needs_app=False)
def top_with_ties(ctx: CheckContext) -> None:
    """02: the 10 most expensive products and every product tied with the 10th, in price order."""
    judge(ctx, TOP_WITH_TIES)
