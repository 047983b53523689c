"""The cursor-walk verdict on hand-made pages."""

from __future__ import annotations

from typing import Any

import pytest

from harness.validators.rest.walk import Order, out_of_order, walk_verdict


def book(n: int, title: str = "Amber x", year: int = 2000) -> dict[str, Any]:
    return {"id": str(n), "title": title, "year": year}


# Nine books, three titles repeated three times: the case a value-only cursor gets wrong.
BOOKS = [book(n, ("Amber x", "Birch x", "Cedar x")[n % 3], 1990 + n % 2) for n in range(1, 10)]
EXPECTED = {b["id"]: b for b in BOOKS}
BY_TITLE = sorted(BOOKS, key=lambda b: (b["title"], int(b["id"])))


def pages(items: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def test_a_correct_walk_passes_for_any_page_size() -> None:
    for size in (1, 2, 4, 9, 20):
        assert walk_verdict(pages(BY_TITLE, size), EXPECTED, Order.parse("title"), size) is None


def test_ties_may_come_in_any_order() -> None:
    shuffled = [BY_TITLE[2], BY_TITLE[0], BY_TITLE[1], *BY_TITLE[3:]]
    assert walk_verdict(pages(shuffled, 4), EXPECTED, Order.parse("title"), 4) is None


def test_skipped_books_are_named() -> None:
    # What a cursor holding only the title does: the rest of the "Amber" group is lost.
    walked = [BY_TITLE[:2], BY_TITLE[3:5], BY_TITLE[6:8]]
    verdict = walk_verdict(walked, EXPECTED, Order.parse("title"), 2)
    assert verdict is not None and verdict.startswith("3 of 9 books never came in 3 pages")


def test_a_repeated_book_names_both_pages() -> None:
    walked = [BY_TITLE[:3], BY_TITLE[2:6], BY_TITLE[6:]]
    assert walk_verdict(walked, EXPECTED, Order.parse("title"), 4) == \
        f"book {BY_TITLE[2]['id']} came twice: on page 1 and again on page 2"


def test_order_is_checked_across_page_boundaries() -> None:
    walked = [BY_TITLE[3:6], BY_TITLE[:3], BY_TITLE[6:]]
    verdict = walk_verdict(walked, EXPECTED, Order.parse("title"), 3)
    assert verdict is not None and "but the order is title ascending" in verdict


def test_descending_and_unordered() -> None:
    by_year_desc = sorted(BOOKS, key=lambda b: -b["year"])
    assert walk_verdict(pages(by_year_desc, 4), EXPECTED, Order.parse("-year"), 4) is None
    verdict = walk_verdict(pages(by_year_desc, 4), EXPECTED, Order.parse("year"), 4)
    assert verdict is not None and "year ascending" in verdict
    assert walk_verdict(pages(list(reversed(BOOKS)), 4), EXPECTED, Order.parse(None), 4) is None


def test_oversized_pages_and_strangers() -> None:
    assert walk_verdict([BY_TITLE], EXPECTED, Order.parse("title"), 7) == "page 1 holds 9 items, but limit=7"
    stranger = [*BY_TITLE, book(99)]
    assert walk_verdict([stranger], EXPECTED, Order.parse("title"), 20) == \
        "book 99 on page 1 does not match the filter of this walk"


def test_titles_compare_without_case_and_nulls_are_not_judged() -> None:
    assert out_of_order([{"title": "amber"}, {"title": "Birch"}], Order.parse("title")) is None
    assert out_of_order([{"year": None}, {"year": 1}, {"year": None}], Order.parse("year")) is None


def test_unknown_sort() -> None:
    with pytest.raises(ValueError, match="unknown sort"):
        Order.parse("price")
