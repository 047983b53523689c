"""The sql track's dataset: the same seed gives the same rows, and what each task's classic
mistake needs to show is there for every seed, not by luck."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from harness.validators.sql.dataset import SAMPLE_SEED, TABLES, build, dump
from harness.validators.sql.staff import build_staff

SEEDS = [SAMPLE_SEED, *range(1, 40), 123456789, 2**31 - 1]


def test_a_seed_gives_the_same_rows_and_another_seed_others() -> None:
    assert build(42).tables == build(42).tables
    assert build(42).tables["orders"] != build(43).tables["orders"]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_mistake_the_lab_catches_shows_on_every_seed(seed: int) -> None:
    tables = build(seed).tables
    products, orders, items, customers = (tables[t] for t in ("products", "orders", "order_items", "customers"))
    prices = sorted((p[3] for p in products), reverse=True)  # type: ignore[type-var]
    assert prices[9] == prices[10], "a tie across the 10th price (LIMIT 10 vs WITH TIES)"
    assert any(p[2] == "Garden" and p[3] == Decimal("25.00") and not p[4] for p in products), "Garden at 25.00"
    tops: dict[object, list[object]] = {}
    for p in products:
        tops.setdefault(p[2], []).append(p[3])
    assert any(sorted(v, reverse=True)[0] == sorted(v, reverse=True)[1] for v in tops.values()), "a tie at a top price"
    moments = {o[2] for o in orders}
    assert datetime(2024, 3, 31, 18, 45, tzinfo=UTC) in moments and datetime(2024, 4, 1, tzinfo=UTC) in moments
    assert any(i[1] is None for i in items), "a NULL product_id (NOT IN returns nothing)"
    sold = {i[1] for i in items}
    assert any(p[0] not in sold for p in products), "a product nobody ordered"
    buyers = {o[1] for o in orders}
    assert any(c[4] == "NO" and c[0] not in buyers for c in customers), "a Norwegian without orders"
    assert any(c[3] is None and c[2] == "" for c in customers), "no city and an empty email"
    assert any(c[3] is None and c[2] is None for c in customers), "no city and no email"


def test_the_dump_is_a_psql_script_with_every_row() -> None:
    dataset = build(3)
    text = "".join(dump(dataset))
    assert text.count("COPY ") == len(TABLES) and text.count("\\.\n") == len(TABLES)
    assert text.count("\n") > sum(len(rows) for rows in dataset.tables.values())
    assert "\t\\N\t" in text  # NULLs as COPY's \N; '' stays an empty field


def test_the_readme_sample_and_the_hard_coded_defect_are_the_sample_seeds_answer() -> None:
    """The README's task 09 table is what seed 2026 gives, and the defect that copies it does too:
    the defect then fails because the check's seed differs, not because the numbers were wrong."""
    years: dict[int, int] = {}
    for order in build(SAMPLE_SEED).tables["orders"]:
        moment = order[2]
        assert isinstance(moment, datetime)
        years[moment.year] = years.get(moment.year, 0) + 1
    root = Path(__file__).resolve().parents[3]
    readme = (root / "labs/sql/week-01-fundamentals/README.md").read_text(encoding="utf-8")
    defect = (root / "tests/labs/sql/week-01/defects/sql.dates.per_year/queries/09_orders_per_year.sql").read_text()
    for year, count in years.items():
        assert re.search(rf"^ {year} \|\s+{count}$", readme, re.MULTILINE), (year, count)
        assert f"({year}, {count})" in defect


@pytest.mark.parametrize("seed", SEEDS)
def test_the_staff_has_one_head_shared_managers_and_a_loop_below_the_head(seed: int) -> None:
    employees, edges = build_staff(seed)
    ids = {e[0] for e in employees}
    managed = {e for e, _ in edges}
    heads = ids - managed
    assert len(heads) == 1
    managers: dict[object, set[object]] = {}
    for employee, manager in edges:
        managers.setdefault(employee, set()).add(manager)
    assert any(len(m) > 1 for m in managers.values()), "someone reports to two managers"
    # Walk down from the head: everyone is reached, and some step leads back onto its own path.
    reports: dict[object, set[object]] = {}
    for employee, manager in edges:
        reports.setdefault(manager, set()).add(employee)
    seen, frontier, looped = set(heads), list(heads), False
    while frontier:
        node = frontier.pop()
        for child in reports.get(node, ()):
            looped = looped or node in reports.get(child, set())
            if child not in seen:
                seen.add(child)
                frontier.append(child)
    assert seen == ids and looped
