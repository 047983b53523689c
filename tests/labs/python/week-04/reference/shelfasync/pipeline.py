"""run_pipeline: a producer and workers joined by a bounded queue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def run_pipeline(source: AsyncIterable[T], handle: Callable[[T], Awaitable[R]], *,
                       workers: int = 4, buffer: int = 8) -> list[R]:
    if workers < 1 or buffer < 1:
        raise ValueError(f"workers and buffer must be at least 1, got {workers} and {buffer}")
    # Bounded: put() waits while `buffer` items are queued, so the producer stays at most that far ahead.
    queue: asyncio.Queue[tuple[int, T]] = asyncio.Queue(maxsize=buffer)
    results: dict[int, R] = {}

    async def produce() -> None:
        items = aiter(source)
        try:
            index = 0
            async for item in items:
                await queue.put((index, item))
                index += 1
        finally:
            close = getattr(items, "aclose", None)
            if close is not None:
                await close()

    async def consume() -> None:
        while True:
            index, item = await queue.get()
            results[index] = await handle(item)
            queue.task_done()

    producer = asyncio.ensure_future(produce())
    consumers = [asyncio.ensure_future(consume()) for _ in range(workers)]

    async def finished() -> None:
        await producer
        await queue.join()

    waiter = asyncio.ensure_future(finished())
    tasks = [producer, *consumers, waiter]
    try:
        # Consumers never end but by an error, so the first task done is either the whole
        # stream handled or a failure (of the source or of a handler), raised here.
        done, _ = await asyncio.wait([waiter, *consumers], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        # Cancelling only asks: wait until every task has finished before returning or raising.
        await asyncio.gather(*tasks, return_exceptions=True)
    return [results[index] for index in range(len(results))]
