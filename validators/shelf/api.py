"""Creating Shelf resources through the app's API, with values no other check uses.

Every helper asserts the contract of the call it makes (a 2xx, a string id), so a check
that builds data on a broken endpoint fails with the endpoint's own message. Requests go
through `Polite`: a 429 is waited out as Retry-After says, within a budget, so a check
never fails because an earlier one spent the app's write allowance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from harness import expect
from harness.outcomes import Failure
from harness.registry import CheckContext

from . import values
from .polite import Polite
from .refused import setup_failure


@dataclass(frozen=True)
class Created:
    id: str
    body: dict[str, Any]
    response: httpx.Response


class ShelfApi:
    """`headers` go with every call: an admin's Authorization once the lab has accounts."""

    def __init__(self, ctx: CheckContext, headers: dict[str, str] | None = None,
                 *, polite: Polite | None = None) -> None:
        self.ctx = ctx
        self.http = polite or Polite(ctx)
        self.headers = dict(headers or {})

    def create(self, path: str, payload: dict[str, Any]) -> Created:
        what = f"POST {path}"
        response = self.http.post(path, json=payload, headers=self.headers)
        try:
            # Lenient on purpose: checks that only need data must not fail for the contract's
            # details (201 vs 200); rest.shelf.contract holds the app to 201.
            expect.status(response, 200, 201, what=what, hint=f"{what} must answer 201 Created with the new resource.")
            body = expect.json_object(response, what=what)
            return Created(expect.string_id(response, body, what=what), body, response)
        except Failure as failure:
            raise setup_failure(response, what, payload, failure) from None

    def author(self, name: str | None = None) -> Created:
        return self.create("/v1/authors", {"name": name or values.person_name(self.ctx.rng)})

    def book(self, author_id: str, **fields: Any) -> Created:
        payload: dict[str, Any] = {
            "title": values.title(self.ctx.rng),
            "isbn": values.isbn13(self.ctx.unique),
            "year": values.year(self.ctx.rng),
            "author_id": author_id,
            "tags": ["fiction"],
            "copies_total": 3,
        }
        payload.update(fields)
        return self.create("/v1/books", payload)

    def member(self, email: str | None = None) -> Created:
        return self.create("/v1/members", {"email": email or values.email(self.ctx.unique, "member"),
                                           "name": values.person_name(self.ctx.rng)})

    def loan(self, book_id: str, member_id: str) -> httpx.Response:
        """The raw answer: callers judge it (201, 404, 409...)."""
        return self.http.post("/v1/loans", json={"book_id": book_id, "member_id": member_id}, headers=self.headers)

    def list_books(self, **params: str | int) -> httpx.Response:
        return self.http.get("/v1/books", params=params, headers=self.headers)
