"""GET /v1/books pages: a bounded page size, and a cursor that walks every book exactly once."""

from __future__ import annotations

from typing import Any

import httpx

from harness import expect
from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..shelf import values
from ..shelf.api import ShelfApi
from .walk import Order, walk_verdict

WALK_BOOKS = 45
WALK_LIMIT = 7
MAX_PAGE = 100
DEFAULT_PAGE = 20
TITLES = ("Amber", "Birch", "Cedar", "Delta", "Ember")
YEARS = (1999, 2003, 2011, 2020)
HINT_WALK = ("Make the cursor remember the exact position, not only the sort value: encode (sort value, id) of the "
             "last item and continue with the items strictly after that pair in (value, id) order. Many books "
             "share a title or a year; with the value alone, the ones after a page boundary are skipped or "
             "repeated. An offset cursor breaks as soon as books are added or deleted between pages.")
HINT_LIMIT = (f"Enforce the page size on the server: limit 1..{MAX_PAGE} (default {DEFAULT_PAGE}), 422 outside "
              f"(or cap it at {MAX_PAGE}). A client must not be able to ask for the whole table in one page.")


def _page(response: httpx.Response, what: str) -> tuple[list[dict[str, Any]], str | None]:
    expect.status(response, 200, what=what)
    page = expect.json_object(response, what=what)
    items, cursor = page.get("items"), page.get("next_cursor", "missing")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise expect.fail(response, f"{what}: the page has no list of items", expected="{\"items\": [...], ...}")
    if cursor is not None and not isinstance(cursor, str):
        raise expect.fail(response, f"{what}: next_cursor must be a string, or null on the last page",
                          expected="\"next_cursor\": \"...\" or null")
    return items, cursor


def walk(ctx: CheckContext, params: dict[str, str | int], expected: dict[str, dict[str, Any]],
         order: Order, label: str) -> None:
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    first: httpx.Response | None = None
    limit_pages = 3 * (len(expected) // WALK_LIMIT + 2)
    while True:
        query = {**params, "limit": WALK_LIMIT, **({"cursor": cursor} if cursor else {})}
        last = ctx.http.get("/v1/books", params=query)
        first = first or last
        items, following = _page(last, f"GET /v1/books ({label}, page {len(pages) + 1})")
        pages.append(items)
        if following is None or not items:
            break
        if following == cursor:
            raise expect.fail(last, f"{label}: next_cursor did not change from page {len(pages) - 1} to "
                                    f"{len(pages)}", expected="a cursor that moves on", hint=HINT_WALK)
        if len(pages) >= limit_pages:
            raise expect.fail(last, f"{label}: still a next_cursor after {len(pages)} pages of {WALK_LIMIT} for "
                                    f"{len(expected)} books", expected="next_cursor: null on the last page",
                              hint=HINT_WALK)
        cursor = following
    problem = walk_verdict(pages, expected, order, WALK_LIMIT)
    if problem is not None:
        raise Failure(
            f"walking GET /v1/books ({label}) with limit={WALK_LIMIT}: {problem}",
            expected=f"each of the {len(expected)} books exactly once, {order.describe()}",
            actual=f"{len(pages)} pages: " + " | ".join(
                ", ".join(f"{i.get('id')}:{i.get(order.field) if order.field else ''}" for i in page)
                for page in pages)[:1500],
            hint=HINT_WALK,
            reproduce=curl_for((first or last).request) + "  # then again with &cursor=<next_cursor>",
        )


def _bounded_at_most(ctx: CheckContext, data: ShelfApi) -> None:
    """limit=1000 is refused (422) or answered with at most MAX_PAGE books. An answer that holds
    every book (nothing after it) leaves the cap unshown while fewer than MAX_PAGE + 1 exist:
    then filler books make MAX_PAGE + 1 and it is asked again. An app that refuses the limit,
    or has more books after the page it returned, shows its cap without them."""
    huge = ctx.http.get("/v1/books", params={"limit": 1000})
    if huge.status_code == 422:
        return
    items, following = _page(huge, "GET /v1/books?limit=1000")
    if len(items) <= MAX_PAGE and not _more_after(ctx, following):
        filler = data.author()
        for _ in range(MAX_PAGE + 1 - len(items)):
            data.book(filler.id, copies_total=1)
        huge = ctx.http.get("/v1/books", params={"limit": 1000})
        if huge.status_code == 422:
            return
        items, _ = _page(huge, "GET /v1/books?limit=1000")
    if len(items) > MAX_PAGE:
        raise expect.fail(huge, f"GET /v1/books?limit=1000 returned {len(items)} books in one page",
                          expected=f"422, or at most {MAX_PAGE} items", hint=HINT_LIMIT)


def _more_after(ctx: CheckContext, cursor: str | None) -> bool:
    """Whether the page after `cursor` holds books (an app may hand out a cursor on its last page)."""
    if cursor is None:
        return False
    after = ctx.http.get("/v1/books", params={"limit": 1000, "cursor": cursor})
    return after.status_code == 200 and bool(_page(after, "GET /v1/books?limit=1000&cursor=...")[0])


@check("rest.pagination.cursor", points=3, timeout_s=120)
def pages_are_bounded_and_cursors_walk_everything(ctx: CheckContext) -> None:
    """Pages are bounded (limit 1..100, default 20) and a cursor walks every book exactly once.

    Creates 45 books of one author that share five titles and four years; asks for
    limit=1000 (422 or at most 100 items; when the answer holds every book and fewer than 101
    exist, filler books make 101 and it asks again), limit=0 and
    limit=abc (422), no limit (at most 20); then walks the 45 with limit=7 for no sort, each
    of title, -title, year, -year, and for the tag and q filters: no book twice, none
    missing, the order kept across pages.
    """
    data = ShelfApi(ctx)
    token = values.word(ctx.unique, "pg")
    author = data.author()
    expected: dict[str, dict[str, Any]] = {}
    for n in range(WALK_BOOKS):
        title, year = f"{TITLES[n % len(TITLES)]} {token}", YEARS[(n * 7) % len(YEARS)]
        created = data.book(author.id, title=title, year=year, tags=[token], copies_total=1)
        expected[created.id] = {"id": created.id, "title": title, "year": year}
    _bounded_at_most(ctx, data)
    for bad in ("0", "-1", "abc"):
        expect.status(ctx.http.get("/v1/books", params={"limit": bad}), 422, what=f"GET /v1/books?limit={bad}",
                      hint=HINT_LIMIT)
    garbage = ctx.http.get("/v1/books", params={"author_id": author.id, "cursor": "!!not-a-cursor!!"})
    expect.status(garbage, 422, 400, what="GET /v1/books?cursor=!!not-a-cursor!!",
                  hint="A cursor the server did not issue is a bad parameter: 422 (never a 500).")
    unlimited = ctx.http.get("/v1/books", params={"author_id": author.id})
    default, cursor = _page(unlimited, "GET /v1/books?author_id=...")
    if len(default) > DEFAULT_PAGE or cursor is None:
        raise expect.fail(unlimited, f"GET /v1/books?author_id=... without limit: {len(default)} items"
                          + ("" if cursor else " and no next_cursor") + f" for {WALK_BOOKS} books",
                          expected=f"at most {DEFAULT_PAGE} items and a next_cursor", hint=HINT_LIMIT)

    for sort in (None, "title", "-title", "year", "-year"):
        params: dict[str, str | int] = {"author_id": author.id, **({"sort": sort} if sort else {})}
        walk(ctx, params, expected, Order.parse(sort), f"author_id=..., sort={sort or '(none)'}")
    walk(ctx, {"tag": token, "sort": "-year"}, expected, Order.parse("-year"), "tag=..., sort=-year")
    walk(ctx, {"q": token, "sort": "title"}, expected, Order.parse("title"), "q=..., sort=title")
