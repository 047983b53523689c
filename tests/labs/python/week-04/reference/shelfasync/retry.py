"""retry_async: call a coroutine function again when it fails, waiting longer each time."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def retry_async(attempts: int = 3, *, exceptions: tuple[type[Exception], ...] = (Exception,),
                delay: float = 0.1, backoff: float = 2.0,
                sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                ) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            for attempt in range(1, attempts + 1):
                try:
                    return await fn(*args, **kwargs)
                except exceptions:  # CancelledError is no Exception: a cancelled call is never retried
                    if attempt == attempts:
                        raise
                await sleep(delay * backoff ** (attempt - 1))
            raise AssertionError("unreachable: the last attempt returns or raises")

        return wrapper

    return decorate
