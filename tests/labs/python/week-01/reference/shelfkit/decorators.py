"""retry: call a function again when it fails, waiting longer each time."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def retry(attempts: int = 3, *, exceptions: tuple[type[BaseException], ...] = (Exception,),
          delay: float = 0.1, backoff: float = 2.0, max_delay: float = 10.0,
          sleep: Callable[[float], object] = time.sleep) -> Callable[[Callable[P, R]], Callable[P, R]]:
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            for attempt in range(1, attempts + 1):
                try:
                    return fn(*args, **kwargs)
                except exceptions:
                    if attempt == attempts:
                        raise
                sleep(min(max_delay, delay * backoff ** (attempt - 1)))
            raise AssertionError("unreachable: the last attempt returns or raises")

        return wrapper

    return decorate
