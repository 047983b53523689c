"""gather_limited: await many awaitables, never more than `limit` at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def gather_limited(awaitables: Iterable[Awaitable[T]], limit: int) -> list[T]:
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    semaphore = asyncio.Semaphore(limit)

    async def one(awaitable: Awaitable[T]) -> T:
        # The slot is held until the awaitable has finished, not merely started.
        async with semaphore:
            return await awaitable

    tasks = [asyncio.ensure_future(one(awaitable)) for awaitable in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        # After the first error (or the caller's cancellation) the others are cancelled and
        # waited for: nothing is left running once gather_limited is done.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
