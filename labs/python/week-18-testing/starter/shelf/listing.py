"""GET /v1/books: filters, sort and a keyset cursor (cursor.py), as ONE query per page.

Every value reaches the database as a bound parameter: SQLAlchemy expressions
(Book.author_id == ..., Book.tags.contains(...), Book.title.icontains(...)) never paste
a value into the SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from . import schemas
from .cursor import After, Sort, after_condition, decode_cursor, encode_cursor, order
from .models import Book

__all__ = ["Filters", "Sort", "page"]


@dataclass(frozen=True)
class Filters:
    author_id: int | None = None
    tag: str | None = None
    q: str | None = None


def page_query(filters: Filters, sort: str | None, limit: int, after: After | None) -> Select[Book]:
    # joinedload: the authors come in the same SELECT (a JOIN), not one SELECT per book.
    query = select(Book).options(joinedload(Book.author, innerjoin=True))
    if filters.author_id is not None:
        query = query.where(Book.author_id == filters.author_id)
    if filters.tag is not None:
        query = query.where(Book.tags.contains([filters.tag]))  # tags @> ARRAY[...]: the GIN index
    if filters.q is not None:
        # ILIKE-style "contains"; autoescape makes % and _ in q match literally.
        query = query.where(Book.title.icontains(filters.q, autoescape=True))
    if after is not None:
        query = query.where(after_condition(sort, after))
    # One row more than asked tells whether there is a next page.
    return query.order_by(*order(sort)).limit(limit + 1)


def page(session: Session, filters: Filters, sort: str | None, limit: int, cursor: str | None) -> schemas.BookPage:
    after = decode_cursor(cursor, sort) if cursor is not None else None
    books = list(session.scalars(page_query(filters, sort, limit, after)))
    items = books[:limit]
    following = encode_cursor(sort, items[-1]) if len(books) > limit else None
    return schemas.BookPage(items=[schemas.Book.model_validate(b) for b in items], next_cursor=following)
