"""Window functions: a running total, ranks with ties, LAG, a moving average; each in a WindowAgg."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .compare import SortKey
from .task import Task, judge

WINDOW = (("WindowAgg", "a window function (... OVER (...))"),)
# Months of orders in UTC, as the tasks define them; the harness's answers share it.
MONTHLY_COUNTS = (
    "WITH monthly AS (SELECT date_trunc('month', ordered_at AT TIME ZONE 'UTC')::date AS month, count(*) AS orders "
    "FROM orders WHERE ordered_at >= timestamptz '{start} 00:00+00' AND ordered_at < timestamptz '{end} 00:00+00' "
    "GROUP BY 1) "
)

RUNNING_TOTAL = Task(
    "queries/01_running_total.sql", ("month", "revenue", "running_total"),
    "WITH monthly AS (SELECT date_trunc('month', o.ordered_at AT TIME ZONE 'UTC')::date AS month, "
    "sum(i.quantity * i.unit_price) AS revenue FROM orders o JOIN order_items i ON i.order_id = o.id "
    "WHERE o.status <> 'cancelled' AND o.ordered_at >= timestamptz '2024-01-01 00:00+00' "
    "AND o.ordered_at < timestamptz '2025-01-01 00:00+00' GROUP BY 1) "
    "SELECT month, revenue, sum(revenue) OVER (ORDER BY month) AS running_total FROM monthly",
    order=(SortKey("month"),), plan=WINDOW,
)
RANK_TIES = Task(
    "queries/02_price_ranks.sql", ("category", "id", "price", "price_rank"),
    "SELECT category, id, price, rank() OVER (PARTITION BY category ORDER BY price DESC) AS price_rank FROM products",
    plan=WINDOW,
)
LAG = Task(
    "queries/03_monthly_change.sql", ("month", "orders", "change"),
    MONTHLY_COUNTS.format(start="2024-01-01", end="2025-01-01")
    + "SELECT month, orders, orders - lag(orders) OVER (ORDER BY month) AS change FROM monthly",
    order=(SortKey("month"),), plan=WINDOW,
)
MOVING_AVERAGE = Task(
    "queries/04_moving_average.sql", ("month", "orders", "avg_3m"),
    MONTHLY_COUNTS.format(start="2023-01-01", end="2025-01-01")
    + "SELECT month, orders, round(avg(orders) OVER (ORDER BY month ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), 2) "
      "AS avg_3m FROM monthly",
    order=(SortKey("month"),), plan=WINDOW,
)


@check("sql.window.running_total", services=["postgres"], needs_app=False)
def running_total(ctx: CheckContext) -> None:
    """01: revenue per month of 2024 with its running total (SUM ... OVER (ORDER BY month))."""
    judge(ctx, RUNNING_TOTAL)


@check("sql.window.rank_ties", services=["postgres"], needs_app=False)
def rank_ties(ctx: CheckContext) -> None:
    """02: each product's price rank in its category, tied prices sharing a rank (RANK, not ROW_NUMBER)."""
    judge(ctx, RANK_TIES)


@check("sql.window.lag", services=["postgres"], needs_app=False)
def lag(ctx: CheckContext) -> None:
    """03: orders per month of 2024 and the change from the month before (LAG)."""
    judge(ctx, LAG)


@check("sql.window.moving_average", services=["postgres"], needs_app=False)
def moving_average(ctx: CheckContext) -> None:
    """04: orders per month of 2023-2024 and their average over that month and the two before (a ROWS frame)."""
    judge(ctx, MOVING_AVERAGE)
