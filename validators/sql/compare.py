"""Comparing a learner's result with the harness's as a SQL teacher would.

Rows are a multiset; the order counts only when the task asks for one, and then rows that
tie on the task's sort key may come in any order. Numbers compare by value (2024 equals
2024.0: the task names no type), NULL never equals '' and column names must be the task's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .run import Result

SHOWN = 8  # rows of each table in a failure: enough to see the mistake, short enough to read


@dataclass(frozen=True)
class SortKey:
    column: str
    descending: bool = False


def _value(value: Any) -> Any:
    """What equality means for one cell: numbers by value, everything else as it came."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    return value


def normalized(row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(_value(v) for v in row)


def reorder(result: Result, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """The rows with their columns in the task's order (the learner may list them in any order)."""
    index = [result.columns.index(c) for c in columns]
    return [tuple(row[i] for i in index) for row in result.rows]


@dataclass(frozen=True)
class Difference:
    message: str
    missing: list[tuple[Any, ...]]  # expected rows the learner's result lacks (with multiplicity)
    extra: list[tuple[Any, ...]]  # the learner's rows the expected result lacks


def rows_differ(expected: list[tuple[Any, ...]], actual: list[tuple[Any, ...]]) -> Difference | None:
    want, got = Counter(normalized(r) for r in expected), Counter(normalized(r) for r in actual)
    if want == got:
        return None
    missing, extra = list((want - got).elements()), list((got - want).elements())
    parts = [f"{len(missing)} expected row{'s' if len(missing) != 1 else ''} missing"] if missing else []
    if extra:
        parts.append(f"{len(extra)} row{'s' if len(extra) != 1 else ''} that should not be there")
    return Difference(f"{len(actual)} rows instead of {len(expected)}: " + ", ".join(parts)
                      if len(actual) != len(expected) else "the rows differ: " + ", ".join(parts), missing, extra)


def order_broken(rows: list[tuple[Any, ...]], columns: Sequence[str], keys: Sequence[SortKey]) -> int | None:
    """The index of the first row that comes before where the task's order puts it, or None."""
    positions = [(columns.index(k.column), k.descending) for k in keys]
    for i in range(1, len(rows)):
        for position, descending in positions:
            a, b = _value(rows[i - 1][position]), _value(rows[i][position])
            if a == b:
                continue
            if (a > b) != descending:
                return i
            break
    return None


def table(columns: Sequence[str], rows: Sequence[tuple[Any, ...]], marked: Counter[tuple[Any, ...]],
          mark: str, total: int, *, skipped: int = 0) -> str:
    """An aligned text table of the first rows, the rows in `marked` flagged with `mark`; `rows`
    may start `skipped` rows into a result of `total` (in_order_around).

    It starts with a caption line: the report puts its label ("Expected: ") before the first
    line, which would push a header out of line with the rows under it."""
    shown = list(rows[:SHOWN])
    flagged = sum(marked.values())
    caption = f"{total} row{'s' if total != 1 else ''}"
    caption += f", {flagged} marked {mark}" if flagged else ""
    if skipped:
        caption += f", rows {skipped + 1} to {skipped + len(shown)} shown"
    elif total > len(shown):
        caption += f", the first {len(shown)} shown"
    total -= skipped
    left = Counter(marked)
    flags = []
    for row in shown:
        key = normalized(row)
        flags.append(mark if left[key] > 0 else " ")
        left[key] -= 1
    cells = [[_cell(v) for v in row] for row in shown]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = [caption, "  " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)),
             "  " + "-+-".join("-" * w for w in widths)]
    lines += [f"{flag} " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
              for flag, row in zip(flags, cells, strict=True)]
    if total > len(shown):
        lines.append(f"  … {total - len(shown)} more row{'s' if total - len(shown) != 1 else ''}")
    if not rows:
        lines.append("  (no rows)")
    return "\n".join(lines)


def display_order(rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows sorted for reading, when the task asks no order: both tables then line up row by row."""
    return sorted(rows, key=lambda row: tuple(_sortable(v) for v in row))


def _sortable(value: Any) -> tuple[int, Any]:
    normal = _value(value)
    if normal is None:
        return (2, "")
    return (0, normal) if isinstance(normal, Decimal) else (1, str(normal))


def first_marked(rows: Sequence[tuple[Any, ...]], marked: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The marked rows first when some would fall past the rows shown: a long result shows its
    differing rows, not only its first ones."""
    wanted = Counter(marked)
    if sum(wanted.values()) == 0 or _all_within(rows[:SHOWN], wanted):
        return list(rows)
    head, tail = [], []
    for row in rows:
        key = normalized(row)
        if wanted[key] > 0:
            wanted[key] -= 1
            head.append(row)
        else:
            tail.append(row)
    return head + tail


def in_order_around(rows: Sequence[tuple[Any, ...]], marked: Sequence[tuple[Any, ...]],
                    before: int = 2) -> tuple[int, list[tuple[Any, ...]]]:
    """For a result whose order is asked: (rows skipped, the rows from there), so that the first
    marked row is shown in its place with `before` rows ahead of it, when it would fall past the
    rows shown. Moving it to the top (first_marked) would show the rows out of the asked order."""
    wanted = Counter(marked)
    if sum(wanted.values()) == 0 or _all_within(rows[:SHOWN], wanted):
        return 0, list(rows)
    first = next(i for i, row in enumerate(rows) if wanted[normalized(row)] > 0)
    start = max(0, min(first - before, len(rows) - SHOWN))
    return start, list(rows[start:])


def _all_within(shown: Sequence[tuple[Any, ...]], wanted: Counter[tuple[Any, ...]]) -> bool:
    return not (wanted - Counter(normalized(r) for r in shown))


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if value == "":
        return "''"  # an empty string, shown so it is never mistaken for NULL
    return str(value)


def sorted_by(rows: Sequence[tuple[Any, ...]], columns: Sequence[str],
              keys: Sequence[SortKey]) -> list[tuple[Any, ...]]:
    """Rows in the task's order (stable sorts, last key first)."""
    ordered = list(rows)
    for key in reversed(keys):
        position = columns.index(key.column)
        ordered.sort(key=lambda row, p=position: _sortable(row[p]), reverse=key.descending)  # type: ignore[misc]
    return ordered
