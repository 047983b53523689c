from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Response

from .. import store
from ..listing import page
from ..models import Book, BookCreate, BookPage, BookPatch, present_book
from ..problems import errors

router = APIRouter(tags=["books"])


def _book(book_id: str) -> dict[str, Any]:
    book = store.books.get(book_id)
    if book is None:
        raise HTTPException(404, "book not found")
    return book


def _known_author(author_id: str) -> None:
    if author_id not in store.authors:
        raise HTTPException(422, "author_id does not name an existing author")


@router.get("/books", response_model=BookPage, responses=errors(422))
async def list_books(listed: Annotated[dict[str, Any], Depends(page)]) -> dict[str, Any]:
    return listed


@router.post("/books", response_model=Book, responses=errors(400, 409, 422, 429))
async def create_book(body: BookCreate, response: Response) -> dict[str, Any]:
    _known_author(body.author_id)
    if body.isbn in store.isbns:
        raise HTTPException(409, "a book with this isbn already exists")
    book = {"id": store.next_id("books"), **body.model_dump(), "copies_available": body.copies_total}
    store.books[book["id"]] = book
    store.isbns[book["isbn"]] = book["id"]
    response.headers["Location"] = f"/v1/books/{book['id']}"
    return present_book(book, store.authors[book["author_id"]])


@router.get("/books/{book_id}", response_model=Book, responses=errors(404))
async def get_book(book_id: str) -> dict[str, Any]:
    book = _book(book_id)
    return present_book(book, store.authors[book["author_id"]])


@router.patch("/books/{book_id}", response_model=Book, responses=errors(400, 404, 409, 422, 429))
async def update_book(book_id: str, body: BookPatch) -> dict[str, Any]:
    book = _book(book_id)
    fields = body.model_dump(exclude_unset=True)
    if "author_id" in fields:
        _known_author(fields["author_id"])
    if "isbn" in fields and fields["isbn"] != book["isbn"] and fields["isbn"] in store.isbns:
        raise HTTPException(409, "a book with this isbn already exists")
    available = book["copies_available"]
    if "copies_total" in fields:
        available += fields["copies_total"] - book["copies_total"]
        if available < 0:
            raise HTTPException(409, "copies_total is below the number of copies on loan")
    # Everything is validated before anything changes: a rejected PATCH leaves the book as it was.
    if "isbn" in fields:
        del store.isbns[book["isbn"]]
        store.isbns[fields["isbn"]] = book_id
    book.update(fields, copies_available=available)
    return present_book(book, store.authors[book["author_id"]])


@router.delete("/books/{book_id}", status_code=204, response_class=Response, responses=errors(404, 429))
async def delete_book(book_id: str) -> Response:
    book = _book(book_id)
    del store.books[book_id]
    store.isbns.pop(book["isbn"], None)
    return Response(status_code=204)
