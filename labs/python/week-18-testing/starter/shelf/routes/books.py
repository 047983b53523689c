from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response
from psycopg import errors as pg
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from .. import schemas
from ..db import DbSession
from ..listing import Filters, Sort, page
from ..models import Book

router = APIRouter(prefix="/books", tags=["books"])


def _load(session: Session, book_id: str) -> Book:
    """The book with its author (one SELECT with a JOIN), or 404."""
    key = schemas.as_id(book_id)
    book = session.get(Book, key, options=[joinedload(Book.author)]) if key is not None else None
    if book is None:
        raise HTTPException(404, "book not found")
    return book


def _save(session: Session) -> None:
    """Commit, turning the constraint violations a client can cause into 409 and 422."""
    try:
        session.commit()
    except IntegrityError as exc:
        if isinstance(exc.orig, pg.UniqueViolation):
            raise HTTPException(409, "a book with this isbn already exists") from None
        if isinstance(exc.orig, pg.ForeignKeyViolation):
            raise HTTPException(422, "author_id does not name an existing author") from None
        if isinstance(exc.orig, pg.CheckViolation):
            raise HTTPException(409, "copies_total is below the number of copies on loan") from None
        raise


@router.get("", response_model=schemas.BookPage)
def list_books(
    session: DbSession,
    author_id: str | None = None,
    tag: str | None = None,
    q: Annotated[str | None, Query(min_length=1)] = None,
    sort: Sort | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: str | None = None,
) -> schemas.BookPage:
    author_key = schemas.as_id(author_id) if author_id is not None else None
    if author_id is not None and author_key is None:
        raise HTTPException(422, "author_id must be an id: a string of digits")
    return page(session, Filters(author_id=author_key, tag=tag, q=q), sort, limit, cursor)


@router.post("", status_code=201, response_model=schemas.Book)
def create_book(body: schemas.BookCreate, response: Response, session: DbSession) -> schemas.Book:
    book = Book(title=body.title, isbn=body.isbn, year=body.year, author_id=int(body.author_id),
                tags=body.tags, copies_total=body.copies_total, copies_available=body.copies_total)
    session.add(book)
    _save(session)
    response.headers["Location"] = f"/v1/books/{book.id}"
    return schemas.Book.model_validate(book)  # book.author: one SELECT of this author


@router.get("/{book_id}", response_model=schemas.Book)
def get_book(book_id: str, session: DbSession) -> schemas.Book:
    return schemas.Book.model_validate(_load(session, book_id))


@router.patch("/{book_id}", response_model=schemas.Book)
def update_book(book_id: str, body: schemas.BookPatch, session: DbSession) -> schemas.Book:
    key = schemas.as_id(book_id)
    # FOR UPDATE: a loan of this book waits until this change commits, so the copies
    # computed below are not stale.
    book = session.get(Book, key, with_for_update=True) if key is not None else None
    if book is None:
        raise HTTPException(404, "book not found")
    fields = body.model_dump(exclude_unset=True)
    if "copies_total" in fields:
        # The copies on loan stay on loan: available moves by as much as the total.
        book.copies_available += fields["copies_total"] - book.copies_total
        if book.copies_available < 0:
            raise HTTPException(409, "copies_total is below the number of copies on loan")
    if "author_id" in fields:
        fields["author_id"] = int(fields["author_id"])
    for name, value in fields.items():
        setattr(book, name, value)
    _save(session)
    return schemas.Book.model_validate(_load(session, book_id))


@router.delete("/{book_id}", status_code=204, response_class=Response)
def delete_book(book_id: str, session: DbSession) -> Response:
    key = schemas.as_id(book_id)
    deleted = session.scalar(delete(Book).where(Book.id == key).returning(Book.id)) if key is not None else None
    session.commit()
    if deleted is None:
        raise HTTPException(404, "book not found")
    return Response(status_code=204)
