"""Writes are limited per client; reads are not (load tests must measure the API, not the
limiter). A token bucket per peer address: 50 writes at once, refilled at 50 per second,
so a burst of 100 within a second is refused in part and a steady client never is.

The key is the peer of the connection. uvicorn must run with --no-proxy-headers (see
harness.toml), or it replaces that address with the client's X-Forwarded-For.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable

from fastapi import Request, Response

from .problems import problem

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
CAPACITY = 50.0
RATE = 50.0  # tokens per second
MAX_CLIENTS = 10_000


class TokenBuckets:
    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)

    def take(self, key: str, now: float) -> float:
        """0 if a write may pass now, else the seconds until it may."""
        tokens, when = self._buckets.get(key, (CAPACITY, now))
        tokens = min(CAPACITY, tokens + (now - when) * RATE)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > MAX_CLIENTS:  # forget full buckets: they are the default anyway
            self._buckets = {k: v for k, v in self._buckets.items() if v[0] + (now - v[1]) * RATE < CAPACITY}
        return (1 - tokens) / RATE


buckets = TokenBuckets()


async def limit_writes(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    if request.method in SAFE:
        return await call_next(request)
    key = request.client.host if request.client else "unknown"
    wait = buckets.take(key, time.monotonic())
    if wait > 0:
        return problem(429, f"too many writes: at most {RATE:.0f} per second per client",
                       {"Retry-After": str(max(1, math.ceil(wait)))})
    return await call_next(request)
