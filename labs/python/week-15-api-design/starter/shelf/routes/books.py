from __future__ import annotations

from fastapi import APIRouter

from ..problems import not_implemented

router = APIRouter(prefix="/books", tags=["books"])


# TODO (README, task 4): GET /v1/books?author_id=&tag=&q=&sort=&limit=&cursor=
# -> 200 {"items": [...], "next_cursor": "..." or null}; every item embeds {"author": {id, name}}.
# - filters (AND): author_id, tag (a book carrying it), q (title contains q, ignoring case)
# - sort: title, -title, year, -year; anything else -> 422
# - limit: 1..100, default 20; anything else -> 422
# - next_cursor: opaque; walking the pages returns every book exactly once, in order,
#   even when many books share a title or a year. A cursor you did not issue -> 422.
# Declare them with types and bounds and FastAPI rejects bad values with 422. GET /v1/catalog
# (weeks 15-17, task 5) takes the same parameters: write them once (a dependency).
@router.get("")
async def list_books() -> None:
    raise not_implemented("task 4, GET /v1/books")


# TODO (README, task 2): POST /v1/books {title, isbn, year, author_id, tags, copies_total}
# -> 201 + Location + the book (copies_available = copies_total, author embedded);
# 422 on invalid fields or an unknown author_id, 409 on a duplicate isbn.
@router.post("")
async def create_book() -> None:
    raise not_implemented("task 2, POST /v1/books")


# TODO (README, task 2): GET /v1/books/{book_id} -> 200 with "author": {id, name}, or 404.
@router.get("/{book_id}")
async def get_book(book_id: str) -> None:
    raise not_implemented("task 2, GET /v1/books/{id}")


# TODO (README, task 2): PATCH /v1/books/{book_id} -> 200 with the book; validate like POST (404, 409, 422).
@router.patch("/{book_id}")
async def update_book(book_id: str) -> None:
    raise not_implemented("task 2, PATCH /v1/books/{id}")


# TODO (README, task 2): DELETE /v1/books/{book_id} -> 204, or 404.
@router.delete("/{book_id}")
async def delete_book(book_id: str) -> None:
    raise not_implemented("task 2, DELETE /v1/books/{id}")
