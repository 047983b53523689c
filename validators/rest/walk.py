"""The verdict on a cursor walk: given the pages a client received, did it see every expected
item exactly once, in the requested order, with pages no larger than it asked for?

Pure, so that it is unit-tested on hand-made pages; rest.pagination.cursor and
rest.query.filter_sort feed it what the app answered.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SORTS = ("title", "-title", "year", "-year")


@dataclass(frozen=True)
class Order:
    field: str | None  # None: any order (no sort parameter)
    descending: bool = False

    @classmethod
    def parse(cls, sort: str | None) -> Order:
        if sort is None:
            return cls(None)
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}")
        return cls(sort.lstrip("-"), sort.startswith("-"))

    def describe(self) -> str:
        if self.field is None:
            return "any order"
        return f"{self.field} {'descending' if self.descending else 'ascending'}"


def _key(item: Mapping[str, Any], field: str) -> Any:
    value = item.get(field)
    # The checks' titles differ in their first, capitalised word, so that every collation
    # (code points, ICU, PostgreSQL's en_US) orders them alike; casefold keeps it that way.
    return value.casefold() if isinstance(value, str) else value


def out_of_order(items: Sequence[Mapping[str, Any]], order: Order) -> str | None:
    """The first adjacent pair in the wrong order, described; None if the sequence is ordered."""
    if order.field is None:
        return None
    for position, (before, after) in enumerate(itertools.pairwise(items), start=1):
        a, b = _key(before, order.field), _key(after, order.field)
        if type(a) is not type(b) or not isinstance(a, str | int | float):
            continue  # null placement is the app's choice; odd types are the schema check's business
        if (a > b) if not order.descending else (a < b):
            return (f"item {position + 1} ({order.field}={after.get(order.field)!r}, id {after.get('id')!r}) "
                    f"comes after item {position} ({order.field}={before.get(order.field)!r}, "
                    f"id {before.get('id')!r}), but the order is {order.describe()}")
    return None


def walk_verdict(
    pages: Sequence[Sequence[Mapping[str, Any]]],
    expected: Mapping[str, Mapping[str, Any]],
    order: Order,
    limit: int,
) -> str | None:
    """What is wrong with the walk, in one sentence; None when it is right.

    `expected` maps every id the walk must return to the item as created (for its sort key).
    """
    seen: dict[str, int] = {}
    walked: list[Mapping[str, Any]] = []
    for number, page in enumerate(pages, start=1):
        if len(page) > limit:
            return f"page {number} holds {len(page)} items, but limit={limit}"
        for item in page:
            item_id = str(item.get("id"))
            if item_id in seen:
                return f"book {item_id} came twice: on page {seen[item_id]} and again on page {number}"
            if item_id not in expected:
                return f"book {item_id} on page {number} does not match the filter of this walk"
            seen[item_id] = number
            walked.append(item)
    missing = [item_id for item_id in expected if item_id not in seen]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        return f"{len(missing)} of {len(expected)} books never came in {len(pages)} pages: {shown}"
    return out_of_order(walked, order)
