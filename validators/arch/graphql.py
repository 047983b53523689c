"""A GraphQL endpoint over the Shelf's data: the same books as REST, authors fetched in a batch."""

from __future__ import annotations

from typing import Any

import httpx

from harness import expect
from harness.httpclient import curl_for
from harness.introspect.statements import observe, require_statements, require_tables
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..shelf.api import ShelfApi

ENDPOINT = "/graphql"
BOOK = "query($id: ID!) { book(id: $id) { id title isbn year author { id name } } }"
TAGGED = "query($tag: String!) { books(tag: $tag, limit: 20) { id title author { id name } } }"
AUTHOR = "query($id: ID!) { author(id: $id) { id name books { id title } } }"
BATCH = 5  # books, each by an author of its own: one query per author would show as 5 statements
MAX_AUTHOR_CALLS = 2  # the books query (maybe joining authors) and one batched authors query


def ask(ctx: CheckContext, query: str, variables: dict[str, Any]) -> tuple[httpx.Response, dict[str, Any]]:
    response = ctx.http.post(ENDPOINT, json={"query": query, "variables": variables})
    what = f"POST {ENDPOINT}"
    expect.status(response, 200, what=what, hint="Serve GraphQL at POST /graphql with the schema of the README.")
    body = expect.json_object(response, what=what)
    if body.get("errors") or not isinstance(body.get("data"), dict):
        raise expect.fail(response, f"{what} answered with errors", expected="{\"data\": {...}} without \"errors\"",
                          hint="Check the schema against the README: field names and argument types.")
    data: dict[str, Any] = body["data"]
    return response, data


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _book(ctx: CheckContext, book_id: str) -> tuple[httpx.Response, dict[str, Any]]:
    response, data = ask(ctx, BOOK, {"id": book_id})
    book = data.get("book")
    if not isinstance(book, dict):
        raise expect.fail(response, f"book(id: \"{book_id}\") is not there", expected="the book created through REST",
                          hint="Resolve book(id) from the books table, with the id as REST gives it.")
    return response, book


def _author_with_books(ctx: CheckContext, author: dict[str, Any], book: dict[str, Any]) -> None:
    """author(id) { id name books { id title } }: the REST author, their book among their books."""
    response, data = ask(ctx, AUTHOR, {"id": author["id"]})
    got = _object(data.get("author"))
    books = got.get("books")
    listed = [{"id": str(b.get("id")), "title": b.get("title")}
              for b in (books if isinstance(books, list) else []) if isinstance(b, dict)]
    if {"id": str(got.get("id")), "name": got.get("name")} != author or book not in listed:
        raise expect.fail(response, f"author(id: \"{author['id']}\") is not the author REST shows with their books",
                          expected=f"{{\"id\": \"{author['id']}\", \"name\": {author['name']!r}, \"books\": "
                                   f"[... {book} ...]}}",
                          hint="Resolve author(id) and Author.books from the same tables as REST: the author's "
                               "books are those whose author_id is theirs.")


@check("arch.graphql.same_data", points=2, services={"postgres"})
def graphql_serves_the_same_books(ctx: CheckContext) -> None:
    """POST /graphql answers book(id) with the same book as GET /v1/books/{id}, updates included.

    Creates a book through REST, asks GraphQL for it (id, title, isbn, year, author {id name})
    and compares with the REST answer, asks for its author (author(id) { id name books { id
    title } }): the same author, the book among their books; then changes the title through
    REST and asks again.
    """
    api = ShelfApi(ctx)
    book = api.book(api.author().id)
    rest = book.body
    response, got = _book(ctx, book.id)
    author = _object(rest.get("author"))
    got_author = _object(got.get("author"))
    expected = {"id": book.id, "title": rest.get("title"), "isbn": rest.get("isbn"), "year": rest.get("year"),
                "author": {"id": str(rest.get("author_id")), "name": author.get("name")}}
    seen = {"id": str(got.get("id")), "title": got.get("title"), "isbn": got.get("isbn"), "year": got.get("year"),
            "author": {"id": str(got_author.get("id")), "name": got_author.get("name")}}
    if seen != expected:
        raise expect.fail(response, "GraphQL's book differs from REST's", expected=str(expected),
                          hint="Resolve GraphQL fields from the same tables (or the same repository code) as REST.")
    _author_with_books(ctx, {"id": str(rest.get("author_id")), "name": author.get("name")},
                       {"id": book.id, "title": rest.get("title")})
    title = "Renamed " + ctx.unique("title")
    patched = ctx.http.patch(f"/v1/books/{book.id}", json={"title": title})
    expect.status(patched, 200, what=f"PATCH /v1/books/{book.id}", hint="PATCH /v1/books/{id} {title} answers 200.")
    response, got = _book(ctx, book.id)
    if got.get("title") != title:
        raise expect.fail(response, "after a REST update, GraphQL still serves the old title",
                          expected=f"\"title\": \"{title}\"",
                          hint="GraphQL and REST must read the same data: invalidate any cache both use.")


@check("arch.graphql.batched", points=2, services={"postgres"})
def graphql_authors_are_batched(ctx: CheckContext) -> None:
    """books { author } loads the authors in one batch, not one query per book (no N+1).

    Creates 5 books with a tag of their own, each by another author, and asks
    books(tag) { id title author { id name } } while pg_stat_statements watches: the
    statements that read authors must run at most twice in all, and every book must come
    with its own author.
    """
    require_statements(ctx.pg)
    require_tables(ctx.pg, "books", "authors")
    api = ShelfApi(ctx)
    tag = ctx.unique("batch")
    made = {}
    for _ in range(BATCH):
        author = api.author()
        book = api.book(author.id, tags=[tag])
        made[book.id] = str(author.body.get("name"))
    (response, data), window = observe(ctx.pg, lambda: ask(ctx, TAGGED, {"tag": tag}))
    books = data.get("books")
    got = {str(b.get("id")): _object(b.get("author")).get("name")
           for b in (books if isinstance(books, list) else []) if isinstance(b, dict)}
    if got != made:
        raise expect.fail(response, f"books(tag: \"{tag}\") does not return the {BATCH} books with their authors",
                          expected=str(made), hint="Filter books by tag as GET /v1/books?tag= does.")
    order = list(got)
    by_id = sorted(order, key=lambda i: (0, int(i), "") if i.isdigit() else (1, 0, i))
    if order != by_id:
        raise expect.fail(response, f"books(tag: \"{tag}\") does not list the books ordered by id",
                          expected=f"ids in this order: {', '.join(by_id)}",
                          hint="The schema says books(...) is ordered by id: ORDER BY id in its query.")
    reads = window.touching("authors")
    calls = sum(s.calls for s in reads)
    if calls > MAX_AUTHOR_CALLS:
        raise Failure(
            f"{BATCH} books with their authors took {calls} statements on authors: one per book (N+1)",
            expected=f"at most {MAX_AUTHOR_CALLS}: the books, then their authors in one batch (WHERE id = ANY($1))",
            actual="; ".join(f"{s.calls}x {' '.join(s.query.split())[:100]}" for s in reads),
            hint=ctx.hint("Batch the author lookups of one request: a DataLoader per request, or a JOIN in the "
                          "books query.", node="new DataLoader(ids => ...) created per request in the GraphQL "
                          "context, its batch function one SELECT ... WHERE id = ANY($1) (with Fastify's "
                          "mercurius: its loaders option)."),
            reproduce=curl_for(response.request),
        )
