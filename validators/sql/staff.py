"""The shop's staff: employees and who reports to whom, a graph with shared managers and one loop.

Most employees report to one manager; some to two (a matrix organisation), so a walk down
from the head meets some people twice, at different depths; and one pair report to each
other (a data-entry loop) somewhere below the head, so a recursive query without a cycle
guard never ends. Drawn from a generator of its own, so adding staff never changed the
rows of the other tables (the week-01 sample stays what its README shows).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

EMPLOYEES = 60
FIRST = ("Nora", "Erik", "Astrid", "Magnus", "Freja", "Oskar", "Elsa", "Felix", "Ida", "Jakob", "Lina", "Tobias")
LAST = ("Haugen", "Lie", "Strand", "Lindqvist", "Jensen", "Weber", "Dubois", "Taylor", "Moen", "Bakke")
TITLES = ("Store manager", "Buyer", "Sales associate", "Warehouse clerk", "Support agent", "Analyst")

Row = tuple[object, ...]


def build_staff(seed: int) -> tuple[list[Row], list[Row]]:
    """(employees, reports_to) for a seed."""
    rng = random.Random(f"staff-{seed}")
    ids = rng.sample(range(100, 1000), EMPLOYEES)  # ids say nothing about rank: the head is not id 1
    employees: list[Row] = []
    for eid in ids:
        hired = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 365 * 10))
        salary = 30000 + 500 * rng.randrange(0, 120)
        employees.append((eid, f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(TITLES), hired, salary))
    head = ids[0]
    level = {head: 0}
    edges: list[tuple[int, int]] = []
    for index, eid in enumerate(ids[1:], start=1):
        manager = ids[rng.randrange(0, max(1, index // 2) if index > 3 else 1)]  # earlier ids: a tree
        level[eid] = level[manager] + 1
        edges.append((eid, manager))
    # A second manager for some: any earlier employee (still no loop).
    for index in rng.sample(range(4, EMPLOYEES), 6):
        eid, first = ids[index], dict(edges)[ids[index]]
        other = ids[rng.randrange(1, index)]
        if other != first:
            edges.append((eid, other))
    # The loop: an employee below the head and one of their direct reports manage each other.
    reports = [(e, m) for e, m in edges if m != head and level[m] >= 1]
    child, parent = reports[rng.randrange(len(reports))]
    edges.append((parent, child))
    return employees, [(e, m) for e, m in edges]
