"""Shelf data for the REST checks, built politely.

These labs rate-limit writes, and several checks create dozens of books. A well-behaved
client waits out a 429 for as long as Retry-After says; so do these helpers (within a
budget), so that a check fails for its own property, never because an earlier check spent
the app's write allowance. Only rest.ratelimit.writes looks at the 429s themselves.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx

from harness import expect
from harness.outcomes import Failure
from harness.registry import CheckContext

from ..shelf.api import Created
from .headers import retry_after_seconds

MAX_SINGLE_WAIT_S = 3.0
WAIT_BUDGET_S = 20.0


class Polite:
    """ctx.http that retries a request answered 429 once Retry-After has passed."""

    def __init__(self, ctx: CheckContext, *, budget_s: float = WAIT_BUDGET_S) -> None:
        self.ctx = ctx
        self.budget_s = budget_s
        self.waited_s = 0.0

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        while True:
            response = self.ctx.http.request(method, path, **kwargs)
            if response.status_code != 429:
                return response
            try:
                delay = retry_after_seconds(response.headers.get("retry-after"), now=datetime.now(UTC))
            except ValueError:
                delay = 1.0
            delay = max(delay, 0.05)
            if delay > MAX_SINGLE_WAIT_S or self.waited_s + delay > self.budget_s:
                return response
            time.sleep(delay)
            self.waited_s += delay

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


def rate_limited_hint(what: str) -> str:
    return (f"{what} kept answering 429 Too Many Requests although the harness waited as Retry-After asked. "
            "Only bursts (100 writes within one second from one client) should be refused; a client that "
            "waits as told must get through.")


class ShelfData:
    """Authors, books, members and loans with values no other check uses."""

    def __init__(self, ctx: CheckContext, polite: Polite | None = None) -> None:
        self.ctx = ctx
        self.http = polite or Polite(ctx)

    def create(self, path: str, payload: dict[str, Any]) -> Created:
        what = f"POST {path}"
        response = self.http.post(path, json=payload)
        prefix = f"this check builds its data through {what}, which does not work yet: "
        if response.status_code == 429:
            raise expect.fail(response, prefix + "it answered 429", expected="201 Created",
                              hint=rate_limited_hint(what))
        try:
            expect.status(response, 200, 201, what=what, hint=f"{what} must answer 201 Created with the new resource.")
            body = expect.json_object(response, what=what)
            return Created(expect.string_id(response, body, what=what), body, response)
        except Failure as failure:
            failure.message = prefix + failure.message
            raise

    def author(self, name: str | None = None) -> Created:
        return self.create("/v1/authors", {"name": name or self.ctx.unique("Author")})

    def book(self, author_id: str, **fields: Any) -> Created:
        payload: dict[str, Any] = {
            "title": self.ctx.unique("Book"),
            "isbn": self.ctx.unique("isbn"),
            "year": 2000,
            "author_id": author_id,
            "tags": ["fiction"],
            "copies_total": 3,
        }
        payload.update(fields)
        return self.create("/v1/books", payload)

    def member(self) -> Created:
        email = f"{self.ctx.unique('member')}@shelf.test"
        return self.create("/v1/members", {"email": email, "name": "Member " + email.split("@")[0]})

    def loan(self, book_id: str, member_id: str) -> Created:
        return self.create("/v1/loans", {"book_id": book_id, "member_id": member_id})
