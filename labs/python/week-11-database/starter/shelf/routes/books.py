from __future__ import annotations

from fastapi import APIRouter

from ..problems import not_implemented

router = APIRouter(prefix="/books", tags=["books"])


# TODO (README, task 4): GET /v1/books?author_id=&tag=&q=&sort=&limit=&cursor=
# -> 200 {"items": [...], "next_cursor": "..." or null}
# - every item embeds its author: {..., "author": {"id", "name"}}. Load the page and its
#   authors with ONE query, however many books are on the page: touching book.author on
#   a book loaded without its author runs one more SELECT per book (N+1). Use
#   select(Book).options(joinedload(Book.author)) (or selectinload).
# - filters: author_id (digits, else 422), tag (books carrying that tag:
#   Book.tags.contains([tag])), q (title contains q, ignoring case). Values go through
#   SQLAlchemy expressions (bound parameters), never pasted into SQL text.
# - sort: title, -title, year, -year (else 422); limit: 1..100, default 20 (else 422).
# - next_cursor: an opaque string that lets the client fetch the next page, so that
#   walking all pages returns every book exactly once (even when many books share a
#   year); a malformed cursor -> 422.
@router.get("")
def list_books() -> None:
    raise not_implemented("task 4, GET /v1/books")


# TODO (README, task 3): POST /v1/books {title, isbn, year, author_id, tags, copies_total}
# 201 + Location + the book (author embedded). 422 on invalid fields or an unknown
# author_id (a foreign key violation), 409 on a duplicate isbn (a unique violation).
# copies_available starts at copies_total and cannot be set by the client.
@router.post("")
def create_book() -> None:
    raise not_implemented("task 3, POST /v1/books")


# TODO (README, task 3): GET /v1/books/{book_id} -> 200 with "author": {id, name}, or 404.
@router.get("/{book_id}")
def get_book(book_id: str) -> None:
    raise not_implemented("task 3, GET /v1/books/{id}")


# TODO (README, task 3): PATCH /v1/books/{book_id} -> 200 with the updated book, 404, 409, 422.
# When copies_total changes, copies_available changes by the same amount
# (409 if that would drop below zero).
@router.patch("/{book_id}")
def update_book(book_id: str) -> None:
    raise not_implemented("task 3, PATCH /v1/books/{id}")


# TODO (README, task 3): DELETE /v1/books/{book_id} -> 204 or 404.
@router.delete("/{book_id}")
def delete_book(book_id: str) -> None:
    raise not_implemented("task 3, DELETE /v1/books/{id}")
