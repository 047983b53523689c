"""A client that waits out 429s, as a well-behaved client does.

Shelf rate-limits writes (100 per second per client), and several checks create dozens
of books. A well-behaved client waits out a 429 for as long as Retry-After says; so do
these helpers (within a budget), so that a check fails for its own property, never because
an earlier check spent the app's write allowance. Only the rate-limit checks look at the
429s themselves.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx

from harness.registry import CheckContext

from ..rest.header_parsing import retry_after_seconds

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
