"""GET /v1/books filters (author_id, tag, q) and sorts (title, -title, year, -year) as Shelf
specifies them; a bad parameter is 422."""

from __future__ import annotations

from typing import Any

import httpx

from harness import expect
from harness.registry import CheckContext, check

from ..shelf import values
from ..shelf.api import ShelfApi
from .walk import SORTS, Order, out_of_order

HINT_FILTER = ("Filters combine with AND: author_id is the author's id, tag a book carrying that tag, q a "
               "case-insensitive substring of the title (lower-case both sides, or ILIKE in SQL).")
HINT_BAD = ("Reject what you cannot honour with 422 and a problem document: an unknown sort, a limit outside "
            "1..100 or that is not a number. Silently falling back to a default hides the client's bug.")


def _items(response: httpx.Response, what: str) -> list[dict[str, Any]]:
    expect.status(response, 200, what=what)
    page = expect.json_object(response, what=what)
    items = page.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise expect.fail(response, f"{what}: the page has no list of items", expected="{\"items\": [...], ...}")
    return items


@check("rest.query.filter_sort", points=2, timeout_s=60)
def books_filter_and_sort_as_specified(ctx: CheckContext) -> None:
    """GET /v1/books filters by author_id, tag and q, sorts by title and year, and rejects bad parameters.

    Creates six books of two new authors with tags and titles no other data has, lists them
    with each filter alone and combined (q in another case than the title), each of the
    four sorts, and sends sort=bogus and sort=price: 422.
    """
    data = ShelfApi(ctx)
    token = values.word(ctx.unique, "flt")
    first, second = data.author(), data.author()
    tag_a, tag_b, every = f"{token}a", f"{token}b", f"{token}all"
    rows = [  # title word, author, tags, year; distinct first words keep every collation in agreement
        ("Amber", first.id, [tag_a, every], 2001),
        ("Birch", first.id, [tag_a, tag_b, every], 1999),
        ("Cedar", second.id, [tag_b, every], 2005),
        ("Delta", second.id, [every], 1999),
        ("Ember", first.id, [tag_b, every], 2010),
        ("Fjord", second.id, [every], 1987),
    ]
    books: dict[str, dict[str, Any]] = {}
    for word, author_id, tags, year in rows:
        # Only some titles carry the token, so that q has something to leave out.
        title = f"{word} {token}" if word in ("Amber", "Birch", "Delta") else f"{word} plain"
        created = data.book(author_id, title=title, tags=tags, year=year)
        books[created.id] = {"id": created.id, "title": title, "year": year, "author_id": author_id, "tags": tags}

    def ids(where: Any) -> set[str]:
        return {i for i, b in books.items() if where(b)}

    cases: list[tuple[dict[str, str | int], set[str]]] = [
        ({"author_id": first.id}, ids(lambda b: b["author_id"] == first.id)),
        ({"tag": tag_a}, ids(lambda b: tag_a in b["tags"])),
        ({"tag": tag_b}, ids(lambda b: tag_b in b["tags"])),
        ({"q": token.upper()}, ids(lambda b: token in b["title"])),
        ({"author_id": second.id, "tag": tag_b}, ids(lambda b: b["author_id"] == second.id and tag_b in b["tags"])),
        ({"q": token, "tag": tag_b}, ids(lambda b: token in b["title"] and tag_b in b["tags"])),
    ]
    for params, expected in cases:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        what = f"GET /v1/books?{query}"
        response = ctx.http.get("/v1/books", params={**params, "limit": 100})
        got = {str(item.get("id")) for item in _items(response, what)}
        if got != expected:
            extra = sorted(got - expected, key=lambda i: (len(i), i))
            missing = sorted(expected - got, key=lambda i: (len(i), i))
            raise expect.fail(response, f"{what}: {len(got)} books instead of {len(expected)}"
                              + (f"; not matching: {', '.join(extra)}" if extra else "")
                              + (f"; missing: {', '.join(missing)}" if missing else ""),
                              expected=f"exactly the books {', '.join(sorted(expected))}", hint=HINT_FILTER)

    for sort in SORTS:
        what = f"GET /v1/books?tag=...&sort={sort}"
        response = ctx.http.get("/v1/books", params={"tag": every, "sort": sort, "limit": 100})
        items = _items(response, what)
        if {str(item.get("id")) for item in items} != set(books):
            raise expect.fail(response, f"{what}: sorting changed which books come back", expected="all six books",
                              hint=HINT_FILTER)
        wrong = out_of_order(items, Order.parse(sort))
        if wrong:
            raise expect.fail(response, f"{what}: {wrong}",
                              expected=f"the books ordered by {Order.parse(sort).describe()}",
                              hint="sort=title ascending, sort=-title descending (same for year); break ties by id.")

    for value in ("bogus", "price"):
        response = ctx.http.get("/v1/books", params={"sort": value})
        expect.status(response, 422, what=f"GET /v1/books?sort={value}", hint=HINT_BAD)
