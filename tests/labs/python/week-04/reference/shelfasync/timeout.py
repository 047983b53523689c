"""with_timeout: an awaitable given a deadline, cancelled when it misses it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def with_timeout(awaitable: Awaitable[T], seconds: float) -> T:
    # asyncio.timeout cancels what runs inside the block at the deadline and turns that
    # cancellation into TimeoutError once the awaitable has finished its cleanup.
    async with asyncio.timeout(seconds):
        return await awaitable
