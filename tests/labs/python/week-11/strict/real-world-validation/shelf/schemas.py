"""Request and response bodies (pydantic), as the Shelf contract shows them.

Requests are strict: a string field takes no number and an integer field no string, so a
client that sends the wrong type gets a 422 instead of a surprise. Responses read ORM
objects directly (from_attributes=True) and send ids as strings.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

MAX_ID = 2**63 - 1  # PostgreSQL bigint

# Stricter than the Shelf contract, as a careful learner writes it (the OpenAPI schema keeps
# the contract's bounds; these run after them): real ISBN-13s, e-mail addresses a mail
# system accepts, plausible years, single-word tags.
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")
SPECIAL_USE = {"test", "local", "localhost", "invalid", "example", "onion", "arpa"}


def _isbn13(text: str) -> str:
    digits = text.replace("-", "")
    if not re.fullmatch(r"97[89][0-9]{10}", digits):
        raise ValueError("must be an ISBN-13")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    if (10 - total % 10) % 10 != int(digits[12]):
        raise ValueError("has a wrong check digit")
    return text


def _email(text: str) -> str:
    if not EMAIL.match(text) or text.rsplit(".", 1)[-1].lower() in SPECIAL_USE:
        raise ValueError("is not a valid e-mail address")
    return text


def _year(value: int) -> int:
    if not 1450 <= value <= datetime.now().year + 1:
        raise ValueError("must be a year between 1450 and next year")
    return value


def _word(text: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", text):
        raise ValueError("must be a lower-case word")
    return text


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
Isbn = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_isbn13)]
Tag = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_word)]
Tags = Annotated[list[Tag], Field(max_length=20)]
Year = Annotated[int, Field(ge=-3000, le=3000), AfterValidator(_year)]
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
    email: Annotated[str, Field(max_length=254, pattern=r"^[^\s@]+@[^\s@]+$"), AfterValidator(_email)]
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
