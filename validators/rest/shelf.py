"""The Shelf v1 contract (SHELF.md): status codes, Location, bodies, for every resource."""

from __future__ import annotations

import httpx

from harness import expect
from harness.registry import CheckContext, check

from ..shelf import values
from ..shelf.api import ShelfApi

MISSING_ID = "987654321"


def _location(response: httpx.Response, collection: str, new_id: str, what: str) -> None:
    expect.status(response, 201, what=what, hint="Creating a resource answers 201 Created.")
    location = response.headers.get("location", "")
    if not location.rstrip("/").endswith(f"{collection}/{new_id}"):
        raise expect.fail(response, f"{what}: the Location header should point at the new resource",
                          expected=f"Location: {collection}/{new_id}",
                          hint="After creating, set Location to the new resource's URL "
                               "(res.location(`/v1/books/${id}`) in Express, "
                               "ResponseEntity.created(uri) in Spring).")


def _authors(api: ShelfApi) -> str:
    author = api.author()
    _location(author.response, "/v1/authors", author.id, "POST /v1/authors")
    got = api.http.get(f"/v1/authors/{author.id}")
    expect.status(got, 200, what="GET /v1/authors/{id}")
    expect.field_equals(got, expect.json_object(got, what="GET /v1/authors/{id}"), "name", author.body.get("name"),
                        what="GET /v1/authors/{id}")
    expect.status(api.http.get(f"/v1/authors/{MISSING_ID}"), 404, what="GET /v1/authors/{unknown id}")
    expect.status(api.http.post("/v1/authors", json={}), 422, what="POST /v1/authors without a name",
                  hint="Validate the body and answer 422 Unprocessable Content when a field is missing.")
    return author.id


def _books(api: ShelfApi, author_id: str) -> str:
    book = api.book(author_id, copies_total=2, tags=["contract", "fiction"])
    what = "POST /v1/books"
    _location(book.response, "/v1/books", book.id, what)
    for key in ("title", "isbn", "year", "tags", "copies_total"):
        if key not in book.body:
            raise expect.fail(book.response, f"{what}: the created book lacks '{key}'", expected=f"'{key}' in the body")
    expect.field_equals(book.response, book.body, "copies_available", 2, what=what)
    expect.field_equals(book.response, book.body, "author_id", author_id, what=what)

    got = api.http.get(f"/v1/books/{book.id}")
    expect.status(got, 200, what="GET /v1/books/{id}")
    embedded = expect.json_object(got, what="GET /v1/books/{id}").get("author")
    if not isinstance(embedded, dict) or embedded.get("id") != author_id or "name" not in embedded:
        raise expect.fail(got, "GET /v1/books/{id}: the author is not embedded as {id, name}",
                          expected=f"\"author\": {{\"id\": \"{author_id}\", \"name\": ...}}")
    expect.status(api.http.get(f"/v1/books/{MISSING_ID}"), 404, what="GET /v1/books/{unknown id}")
    expect.status(api.http.get("/v1/books/not-a-number"), 404, what="GET /v1/books/not-a-number",
                  hint="An id that cannot exist is a 404, not a 500 from the database.")

    duplicate = api.http.post("/v1/books", json={**{k: book.body[k] for k in ("title", "isbn", "year", "tags")},
                                                 "author_id": author_id, "copies_total": 1})
    expect.status(duplicate, 409, what="POST /v1/books with an isbn that exists",
                  hint="A unique index on isbn plus catching its violation (SQLSTATE 23505) gives 409 Conflict.")
    unknown_author = api.http.post("/v1/books", json={"title": "The Unknown Author", "year": 2000,
                                                      "isbn": values.isbn13(api.ctx.unique),
                                                      "author_id": MISSING_ID, "tags": [], "copies_total": 1})
    expect.status(unknown_author, 422, what="POST /v1/books with an unknown author_id",
                  hint="An author_id that does not exist makes the request invalid: 422, not 500.")
    no_title = api.http.post("/v1/books", json={"isbn": values.isbn13(api.ctx.unique), "year": 2000,
                                                "author_id": author_id, "copies_total": 1})
    expect.status(no_title, 422, what="POST /v1/books without a title")

    patched = api.http.patch(f"/v1/books/{book.id}", json={"title": "Renamed " + book.id})
    expect.status(patched, 200, what="PATCH /v1/books/{id}")
    expect.field_equals(patched, expect.json_object(patched, what="PATCH /v1/books/{id}"), "title",
                        "Renamed " + book.id, what="PATCH /v1/books/{id}")
    expect.status(api.http.patch(f"/v1/books/{MISSING_ID}", json={"title": "x"}), 404,
                  what="PATCH /v1/books/{unknown id}")

    listed = api.list_books(author_id=author_id)
    expect.status(listed, 200, what="GET /v1/books?author_id=...")
    page = expect.json_object(listed, what="GET /v1/books?author_id=...")
    items = page.get("items")
    if not isinstance(items, list) or "next_cursor" not in page:
        raise expect.fail(listed, "GET /v1/books: the page is not {items, next_cursor}",
                          expected="{\"items\": [...], \"next_cursor\": null}")
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    if ids != [book.id] or not isinstance(items[0].get("author"), dict):
        raise expect.fail(listed, "GET /v1/books?author_id=...: expected exactly that author's book, "
                                  "with the author embedded", expected=f"items: [{{\"id\": \"{book.id}\", ...}}]")
    _by_tag(api, author_id)
    return book.id


def _by_tag(api: ShelfApi, author_id: str) -> None:
    """?tag= lists the books whose tags hold it, and no other (a filter that ignored it passed)."""
    tag = api.ctx.unique("shelved")
    tagged = api.book(author_id, tags=["fiction", tag])
    listed = api.list_books(tag=tag)
    expect.status(listed, 200, what="GET /v1/books?tag=...")
    items = expect.json_object(listed, what="GET /v1/books?tag=...").get("items")
    ids = [item.get("id") for item in items if isinstance(item, dict)] if isinstance(items, list) else None
    if ids != [tagged.id]:
        raise expect.fail(listed, f"GET /v1/books?tag={tag}: expected exactly the one book with that tag",
                          expected=f"items: [{{\"id\": \"{tagged.id}\", ...}}]",
                          hint="tag= keeps the books whose tags array holds that tag (tags @> ARRAY[$1] in SQL).")


def _loans(api: ShelfApi, author_id: str) -> None:
    book = api.book(author_id, copies_total=1)
    member = api.member()
    first_member = member.response
    _location(first_member, "/v1/members", member.id, "POST /v1/members")
    email = member.body.get("email")
    expect.status(api.http.post("/v1/members", json={"email": email, "name": "Again"}), 409,
                  what="POST /v1/members with an email that exists")
    expect.status(api.http.post("/v1/members", json={"email": "not-an-email", "name": "X"}), 422,
                  what="POST /v1/members with an invalid email")

    loan = api.loan(book.id, member.id)
    expect.status(loan, 201, what="POST /v1/loans")
    loan_id = expect.string_id(loan, expect.json_object(loan, what="POST /v1/loans"), what="POST /v1/loans")
    after = api.http.get(f"/v1/books/{book.id}")
    expect.field_equals(after, expect.json_object(after, what="GET /v1/books/{id}"), "copies_available", 0,
                        what="GET /v1/books/{id} after a loan")
    expect.status(api.loan(book.id, member.id), 409, what="POST /v1/loans on a book with no copy left")
    expect.status(api.loan(MISSING_ID, member.id), 404, what="POST /v1/loans for an unknown book")
    expect.status(api.loan(book.id, MISSING_ID), 404, what="POST /v1/loans for an unknown member")

    returned = api.http.post(f"/v1/loans/{loan_id}/return")
    expect.status(returned, 200, what="POST /v1/loans/{id}/return")
    back = api.http.get(f"/v1/books/{book.id}")
    expect.field_equals(back, expect.json_object(back, what="GET /v1/books/{id}"), "copies_available", 1,
                        what="GET /v1/books/{id} after the return")
    expect.status(api.http.post(f"/v1/loans/{loan_id}/return"), 409, what="returning a loan twice")
    expect.status(api.http.post(f"/v1/loans/{MISSING_ID}/return"), 404, what="returning an unknown loan")


@check("rest.shelf.contract", points=3, timeout_s=90)
def shelf_resources_answer_as_specified(ctx: CheckContext) -> None:
    """The Shelf v1 resources answer as SHELF.md specifies.

    Authors, books, members and loans: 201 with Location on create, 404 for unknown ids,
    409 on duplicates and empty shelves, 422 on invalid bodies, 204 on delete, the author
    embedded in books, copies_available moving with loans and returns.
    """
    api = ShelfApi(ctx)
    author_id = _authors(api)
    book_id = _books(api, author_id)
    _loans(api, author_id)
    deleted = api.http.delete(f"/v1/books/{book_id}")
    expect.status(deleted, 204, what="DELETE /v1/books/{id}")
    expect.status(ctx.http.get(f"/v1/books/{book_id}"), 404, what="GET /v1/books/{id} after DELETE")
    expect.status(api.http.delete(f"/v1/books/{book_id}"), 404, what="DELETE /v1/books/{id} twice")
