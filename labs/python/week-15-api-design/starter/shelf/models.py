"""Request and response bodies (pydantic). Two to start with; add the others.

The names and fields follow contract/shelf.openapi.yaml. ConfigDict(strict=True) keeps
pydantic from turning "1999" into 1999 or 42 into "42": a client that sends the wrong type
gets a 422 instead of a surprise.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class AuthorCreate(BaseModel):
    model_config = ConfigDict(strict=True)
    name: Annotated[str, Field(min_length=1, max_length=200)]


class Author(BaseModel):
    id: str
    name: str


# TODO (README, task 2): BookCreate, BookPatch, Book (author embedded), BookPage,
# MemberCreate, Member, LoanCreate, Loan, and a Problem model for the documented errors.
