"""Recursive CTEs: a walk down a reporting graph with shared managers and a loop."""

from __future__ import annotations

from harness.registry import CheckContext, check

from .task import Task, judge

HIERARCHY = Task(
    "queries/06_below_the_head.sql", ("id", "name", "depth"),
    "WITH RECURSIVE below (id, depth) AS ("
    " SELECT r.employee_id, 1 FROM reports_to r WHERE r.manager_id = ("
    "  SELECT e.id FROM employees e WHERE NOT EXISTS (SELECT FROM reports_to x WHERE x.employee_id = e.id))"
    " UNION ALL"
    " SELECT r.employee_id, b.depth + 1 FROM below b JOIN reports_to r ON r.manager_id = b.id"
    ") CYCLE id SET looped USING path "
    "SELECT e.id, e.name, min(b.depth) AS depth FROM below b JOIN employees e ON e.id = b.id "
    "WHERE NOT b.looped GROUP BY e.id, e.name",
    plan=(("Recursive Union", "a recursive CTE (WITH RECURSIVE)"),),
    slow_hint="The reporting graph has a loop (two employees report to each other), and a recursive CTE "
              "over a loop never ends by itself: each round finds the same people again at a greater depth. "
              "Keep the path walked so far (path || id, WHERE id <> ALL (path)) or use PostgreSQL's "
              "CYCLE id SET looped USING path, and keep only the rows that did not loop.",
)


@check("sql.recursive.hierarchy", services=["postgres"], needs_app=False)
def hierarchy(ctx: CheckContext) -> None:
    """06: everyone below the head of the shop with their shortest depth, ending despite a reporting loop."""
    judge(ctx, HIERARCHY)
