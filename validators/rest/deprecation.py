"""GET /v1/catalog: a deprecated alias that says so (RFC 9745 Deprecation, RFC 8594 Sunset,
RFC 8288 Link to the successor)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from harness import expect
from harness.registry import CheckContext, check

from ..shelf import values
from ..shelf.api import ShelfApi
from .header_parsing import HTTP_DATE_EXAMPLE, parse_deprecation, parse_http_date, parse_links

HINT = ("On every answer of the alias: Deprecation: @<unix seconds> (RFC 9745), Sunset: <HTTP date> (RFC 8594, "
        f"e.g. {HTTP_DATE_EXAMPLE!r}: new Date(...).toUTCString() in JavaScript, "
        "email.utils.format_datetime(dt, usegmt=True) in Python, HttpHeaders.setInstant in Spring) "
        "and Link: </v1/books>; rel=\"successor-version\".")


def _page(response: httpx.Response, what: str) -> dict[str, Any]:
    expect.status(response, 200, what=what)
    return expect.json_object(response, what=what)


@check("rest.deprecation.headers", points=2, timeout_s=30)
def catalog_alias_announces_its_deprecation(ctx: CheckContext) -> None:
    """GET /v1/catalog answers like /v1/books, with Deprecation, Sunset and a successor Link.

    Creates three books, lists them through /v1/books and /v1/catalog with the same
    parameters (two pages of two), compares the bodies, then reads the alias's headers:
    Deprecation (RFC 9745 @seconds; an HTTP date or `true` from earlier drafts accepted),
    Sunset as an HTTP date not before the deprecation, and
    Link: </v1/books>; rel="successor-version". /v1/books itself must not be deprecated.
    """
    data = ShelfApi(ctx)
    author = data.author()
    tag = values.word(ctx.unique, "alias")
    for title in ("Amber", "Birch", "Cedar"):
        data.book(author.id, title=f"{title} {tag}", tags=[tag])
    params: dict[str, str | int] = {"tag": tag, "sort": "title", "limit": 2}
    books = ctx.http.get("/v1/books", params=params)
    catalog = ctx.http.get("/v1/catalog", params=params)
    books_page = _page(books, "GET /v1/books?tag=...&sort=title&limit=2")
    catalog_page = _page(catalog, "GET /v1/catalog?tag=...&sort=title&limit=2")
    if catalog_page.get("items") != books_page.get("items"):
        raise expect.fail(catalog, "GET /v1/catalog answers other items than GET /v1/books with the same parameters",
                          expected=f"the items of GET /v1/books: {books_page.get('items')!r}"[:400],
                          hint="Serve the alias with the same handler as /v1/books, parameters included.")
    cursor = catalog_page.get("next_cursor")
    if not isinstance(cursor, str):
        raise expect.fail(catalog, "GET /v1/catalog: no next_cursor after the first page of two out of three",
                          expected="\"next_cursor\": \"...\"", hint="The alias takes the same limit and cursor.")
    following = _page(ctx.http.get("/v1/catalog", params={**params, "cursor": cursor}),
                      "GET /v1/catalog?...&cursor=<next_cursor>")
    titles = [item.get("title") for item in following.get("items", []) if isinstance(item, dict)]
    if titles != [f"Cedar {tag}"]:
        raise expect.fail(catalog, "GET /v1/catalog: the second page is not the third book",
                          expected=f"items: [{{\"title\": \"Cedar {tag}\", ...}}]",
                          hint="The alias takes the same cursor as /v1/books.")

    what = "GET /v1/catalog"
    try:
        deprecation = parse_deprecation(catalog.headers.get("deprecation"))
        sunset_text = catalog.headers.get("sunset")
        if sunset_text is None:
            raise ValueError("there is no Sunset header")
        sunset = parse_http_date(sunset_text)
        if deprecation.when is not None and sunset < deprecation.when:
            raise ValueError(f"Sunset ({sunset_text}) lies before the deprecation ({deprecation.when:%Y-%m-%d}): "
                             "an API is deprecated first, and only later switched off")
        links = parse_links(catalog.headers.get("link"))
    except ValueError as exc:
        raise expect.fail(catalog, f"{what}: {exc}", expected="Deprecation, Sunset and Link headers",
                          hint=HINT) from None
    successors = [link for link in links if "successor-version" in link.rels]
    if not successors or not all(urlsplit(link.target).path.rstrip("/") == "/v1/books" for link in successors):
        raise expect.fail(catalog, f"{what}: no Link to /v1/books with rel=\"successor-version\"",
                          expected="Link: </v1/books>; rel=\"successor-version\"", hint=HINT)
    if "deprecation" in books.headers or "sunset" in books.headers:
        raise expect.fail(books, "GET /v1/books carries Deprecation or Sunset, but only the alias is deprecated",
                          expected="no Deprecation and no Sunset on /v1/books",
                          hint="Set the headers in the alias's route only.")
