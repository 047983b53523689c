"""How the sql track compares a learner's rows with the expected ones (no database needed)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from harness.validators.sql.compare import SortKey, in_order_around, order_broken, rows_differ, sorted_by, table


def test_rows_are_a_multiset_and_numbers_compare_by_value() -> None:
    expected = [(2024, 3), (2023, Decimal("1.50"))]
    assert rows_differ(expected, [(Decimal("2023"), 1.5), (Decimal("2024.0"), 3)]) is None


def test_a_duplicate_row_counts() -> None:
    diff = rows_differ([(1,), (1,)], [(1,)])
    assert diff is not None and diff.missing == [(Decimal(1),)] and diff.extra == []
    assert diff.message.startswith("1 rows instead of 2")


def test_null_is_not_the_empty_string() -> None:
    diff = rows_differ([(1, None)], [(1, "")])
    assert diff is not None and diff.missing == [(Decimal(1), None)] and diff.extra == [(Decimal(1), "")]


def test_order_is_checked_on_the_tasks_key_and_ties_come_in_any_order() -> None:
    columns, keys = ("id", "price"), (SortKey("price", descending=True),)
    assert order_broken([(2, 10), (1, 10), (3, 5)], columns, keys) is None
    assert order_broken([(3, 5), (2, 10)], columns, keys) == 1


def test_sorted_by_follows_every_key() -> None:
    rows = [(1, "b"), (2, "a"), (3, "b")]
    assert sorted_by(rows, ("n", "s"), (SortKey("s"), SortKey("n", descending=True))) == [(2, "a"), (3, "b"), (1, "b")]


def test_a_table_marks_rows_and_shows_null_and_empty_apart() -> None:
    text = table(("id", "email"), [(1, None), (2, "")], Counter([(Decimal(2), "")]), "+", 2)
    lines = text.splitlines()
    assert lines[0] == "2 rows, 1 marked +"
    assert lines[1].split() == ["id", "|", "email"]
    assert lines[3].startswith("  1") and "NULL" in lines[3]
    assert lines[4].startswith("+ 2") and "''" in lines[4]


def test_an_ordered_result_shows_a_late_marked_row_in_its_place() -> None:
    """A top-10-with-ties answer whose 11th row is missing: the rows stay in price order, from a
    little before that row, and the caption says which rows these are."""
    rows = [(f"p{i}", Decimal(1000 - i)) for i in range(11)]
    skipped, window = in_order_around(rows, [rows[10]])
    assert skipped == 3 and window == rows[3:]
    shown = table(("name", "price"), window, Counter([rows[10]]), "-", len(rows), skipped=skipped)
    lines = shown.splitlines()
    assert lines[0] == "11 rows, 1 marked -, rows 4 to 11 shown"
    prices = [line.split("|")[1].strip() for line in lines[3:]]
    assert prices == [str(1000 - i) for i in range(3, 11)], "in the asked order"
    assert lines[-1].startswith("-") and "p10" in lines[-1]


def test_a_marked_row_among_the_first_shown_moves_nothing() -> None:
    rows = [(i,) for i in range(20)]
    assert in_order_around(rows, [(2,)]) == (0, rows)
    assert in_order_around(rows, []) == (0, rows)
