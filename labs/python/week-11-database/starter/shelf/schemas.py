"""Request and response bodies (pydantic), as the Shelf contract shows them.

Requests are strict: a string field takes no number and an integer field no string, so a
client that sends the wrong type gets a 422 instead of a surprise. Responses read ORM
objects directly (from_attributes=True) and send ids as strings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

MAX_ID = 2**63 - 1  # PostgreSQL bigint


def as_id(text: str) -> int | None:
    """A positive bigint written in digits, else None: such an id names nothing."""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def _id(text: str) -> str:
    if as_id(text) is None:
        raise ValueError("must be an id: a string of digits")
    return text


Id = Annotated[str, AfterValidator(_id)]  # an id in a request body
IdOut = Annotated[str, BeforeValidator(str)]  # a bigint from the database, as a string
Text = Annotated[str, Field(min_length=1, max_length=200)]
Isbn = Annotated[str, Field(min_length=1, max_length=40)]
Tag = Annotated[str, Field(min_length=1, max_length=40)]
Tags = Annotated[list[Tag], Field(max_length=20)]
Year = Annotated[int, Field(ge=-3000, le=3000)]
Copies = Annotated[int, Field(ge=0, le=10_000)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class AuthorCreate(Strict):
    name: Text


class Author(Out):
    id: IdOut
    name: str


class BookCreate(Strict):
    title: Text
    isbn: Isbn
    year: Year | None = None
    author_id: Id
    tags: Tags = []
    copies_total: Copies = 1
    # copies_available is not here: it starts at copies_total and only loans move it.


class BookPatch(Strict):
    """Only the fields sent change; only year may be set to null."""

    title: Text | None = None
    isbn: Isbn | None = None
    year: Year | None = None
    author_id: Id | None = None
    tags: Tags | None = None
    copies_total: Copies | None = None

    @model_validator(mode="after")
    def no_nulls(self) -> BookPatch:
        nulls = sorted(f for f in self.model_fields_set - {"year"} if getattr(self, f) is None)
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        return self


class Book(Out):
    id: IdOut
    title: str
    isbn: str
    year: int | None
    tags: list[str]
    author_id: IdOut
    copies_total: int
    copies_available: int
    author: Author


class BookPage(BaseModel):
    items: list[Book]
    next_cursor: str | None


class MemberCreate(Strict):
    email: Annotated[str, Field(max_length=254, pattern=r"^[^\s@]+@[^\s@]+$")]
    name: Text


class Member(Out):
    id: IdOut
    email: str
    name: str


class LoanCreate(Strict):
    book_id: Id
    member_id: Id


class Loan(Out):
    id: IdOut
    book_id: IdOut
    member_id: IdOut
    borrowed_at: datetime
    returned_at: datetime | None
