"""The keyset cursor of GET /v1/books: the sorts, the opaque cursor, and the order and
"strictly after" conditions a page query uses (listing.py)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import HTTPException
from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from . import schemas
from .models import Book

Sort = Literal["title", "-title", "year", "-year"]
# sort -> (column, descending); ties always break on id, ascending.
SORTS: dict[str, tuple[InstrumentedAttribute[Any], bool]] = {
    "title": (Book.title, False),
    "-title": (Book.title, True),
    "year": (Book.year, False),
    "-year": (Book.year, True),
}
NULLABLE = {"year"}


@dataclass(frozen=True)
class After:
    """Where the previous page ended: the last book's sort value and id."""

    value: Any
    id: int


def _bad_cursor() -> HTTPException:
    return HTTPException(422, "cursor is not a next_cursor of this list (with this sort)")


# The cursor is opaque to clients: base64url of the last item's position {s, v, id}. It
# names the exact (sort value, id) pair, so books that share a title or a year are neither
# skipped nor repeated.
def encode_cursor(sort: str | None, book: Book) -> str:
    value = getattr(book, SORTS[sort][0].key) if sort else None
    position = {"s": sort or "", "v": value, "id": str(book.id)}
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def decode_cursor(text: str, sort: str | None) -> After:
    try:
        position = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        raise _bad_cursor() from None
    if not isinstance(position, dict) or position.get("s") != (sort or ""):
        raise _bad_cursor()
    raw_id, value = position.get("id"), position.get("v")
    book_id = schemas.as_id(raw_id) if isinstance(raw_id, str) else None
    if book_id is None:
        raise _bad_cursor()
    if sort in ("title", "-title") and not isinstance(value, str):
        raise _bad_cursor()
    if sort in ("year", "-year") and not (value is None or (isinstance(value, int) and not isinstance(value, bool))):
        raise _bad_cursor()
    return After(value if sort else None, book_id)


def order(sort: str | None) -> list[ColumnElement[Any]]:
    if sort is None:
        return [Book.id.asc()]
    column, descending = SORTS[sort]
    # NULLS LAST in both directions (only year can be null), so the keyset condition stays simple.
    return [(column.desc() if descending else column.asc()).nulls_last(), Book.id.asc()]


def after_condition(sort: str | None, after: After) -> ColumnElement[bool]:
    """Rows strictly after the cursor's (value, id) in the order above."""
    if sort is None:
        return Book.id > after.id
    column, descending = SORTS[sort]
    if after.value is None:
        return and_(column.is_(None), Book.id > after.id)
    beyond = column < after.value if descending else column > after.value
    conditions = [beyond, and_(column == after.value, Book.id > after.id)]
    if column.key in NULLABLE:
        conditions.append(column.is_(None))  # the nulls come last, after every value
    return or_(*conditions)
