"""Request and response bodies. Strict: a string field takes no number, an integer no string."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

Text = Annotated[str, Field(min_length=1, max_length=200)]
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


Isbn = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_isbn13)]
Tag = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_word)]
Year = Annotated[int, Field(ge=-3000, le=3000), AfterValidator(_year)] | None
Copies = Annotated[int, Field(ge=0, le=10000)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True)


class AuthorCreate(Strict):
    name: Text


class Author(BaseModel):
    id: str
    name: str


class BookCreate(Strict):
    title: Text
    isbn: Isbn
    year: Year = None
    author_id: str
    tags: Annotated[list[Tag], Field(max_length=20)] = []
    copies_total: Copies = 1


class BookPatch(Strict):
    """Only the fields sent change; only year may be set to null."""

    title: Text | None = None
    isbn: Isbn | None = None
    year: Year = None
    author_id: str | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None
    copies_total: Copies | None = None

    @model_validator(mode="after")
    def no_nulls(self) -> BookPatch:
        nulls = sorted(f for f in self.model_fields_set - {"year"} if getattr(self, f) is None)
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        return self


class Book(BaseModel):
    id: str
    title: str
    isbn: str
    year: int | None
    tags: list[str]
    author_id: str
    copies_total: int
    copies_available: int
    author: Author


class BookPage(BaseModel):
    items: list[Book]
    next_cursor: str | None


class MemberCreate(Strict):
    email: Annotated[str, Field(max_length=254, pattern=r"^[^\s@]+@[^\s@]+$"), AfterValidator(_email)]
    name: Text


class Member(BaseModel):
    id: str
    email: str
    name: str


class LoanCreate(Strict):
    book_id: str
    member_id: str


class Loan(BaseModel):
    id: str
    book_id: str
    member_id: str
    borrowed_at: str
    returned_at: str | None


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None


def present_book(book: dict[str, Any], author: dict[str, Any]) -> dict[str, Any]:
    """A book as the API shows it: its author embedded as {id, name}."""
    return {**book, "tags": list(book["tags"]), "author": {"id": author["id"], "name": author["name"]}}
