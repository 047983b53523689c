"""Request and response bodies. Strict: a string field takes no number, an integer no string."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

Text = Annotated[str, Field(min_length=1, max_length=200)]
Isbn = Annotated[str, Field(min_length=1, max_length=40)]
Tag = Annotated[str, Field(min_length=1, max_length=40)]
Year = Annotated[int, Field(ge=-3000, le=3000)] | None
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
    email: Annotated[str, Field(max_length=254, pattern=r"^[^\s@]+@[^\s@]+$")]
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
