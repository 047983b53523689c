"""Pool: at most `size` resources made by an async factory, lent with `async with`."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Pool(Generic[T]):
    def __init__(self, factory: Callable[[], Awaitable[T]], size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self._factory = factory
        self._idle: deque[T] = deque()
        self._slots = asyncio.Semaphore(size)
        self._created = 0

    @property
    def created(self) -> int:
        return self._created

    @property
    def idle(self) -> int:
        return len(self._idle)

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[T]:
        async with self._slots:
            if self._idle:
                resource = self._idle.pop()
            else:
                resource = await self._factory()
                self._created += 1
            try:
                yield resource
            finally:
                # Back to the pool however the block ended: an error or a cancellation included.
                self._idle.append(resource)
