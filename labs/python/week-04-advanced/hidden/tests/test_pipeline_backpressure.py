"""The lab's hidden tests of shelfasync.run_pipeline's flow: every item handled once, results
in the source's order, `workers` handlers at once, and a producer never more than `buffer`
items ahead of the workers. No clock: handlers wait for gates the test opens, and "never
ahead" is read after the event loop has had every chance to pull more."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from shelfasync import run_pipeline
from waits import settle


class Source:
    """An async source of 0..count-1 that counts the items pulled from it."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pulled = 0

    async def items(self) -> AsyncIterator[int]:
        for n in range(self.count):
            await asyncio.sleep(0)  # as a real source would wait for its data
            self.pulled += 1
            yield n


class Handler:
    """Handles an item once its gate is open; counts the handlers running at once."""

    def __init__(self, gated: bool = True) -> None:
        self.gate = asyncio.Event()
        if not gated:
            self.gate.set()
        self.running = 0
        self.peak = 0
        self.taken = 0
        self.handled: list[int] = []

    async def __call__(self, n: int) -> str:
        self.taken += 1
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            await self.gate.wait()
            await asyncio.sleep(0)
            self.handled.append(n)
            return f"item {n}"
        finally:
            self.running -= 1


def test_every_item_is_handled_once_and_the_results_keep_the_sources_order() -> None:
    async def main() -> None:
        source, handler = Source(50), Handler(gated=False)
        results = await run_pipeline(source.items(), handler, workers=3, buffer=4)
        assert results == [f"item {n}" for n in range(50)]
        assert sorted(handler.handled) == list(range(50))
    asyncio.run(main())


def test_results_in_order_though_items_finish_out_of_order() -> None:
    async def main() -> None:
        gates = {n: asyncio.Event() for n in range(6)}

        async def handle(n: int) -> int:
            await gates[n].wait()
            return n * 10

        async def items() -> AsyncIterator[int]:
            for n in range(6):
                yield n

        task = asyncio.ensure_future(run_pipeline(items(), handle, workers=6, buffer=6))
        await settle()
        for n in (5, 3, 4, 1, 2, 0):
            gates[n].set()
            await settle()
        assert await task == [0, 10, 20, 30, 40, 50]
    asyncio.run(main())


def test_exactly_workers_handlers_run_at_once() -> None:
    async def main() -> None:
        source, handler = Source(30), Handler()
        task = asyncio.ensure_future(run_pipeline(source.items(), handler, workers=3, buffer=5))
        await settle()
        assert handler.running == 3, f"{handler.running} handlers running with workers=3"
        handler.gate.set()
        await task
        assert handler.peak == 3
    asyncio.run(main())


@pytest.mark.parametrize(("workers", "buffer"), [(2, 4), (1, 1), (4, 2)])
def test_the_producer_stays_at_most_buffer_items_ahead_of_the_workers(workers: int, buffer: int) -> None:
    async def main() -> None:
        source, handler = Source(500), Handler()
        task = asyncio.ensure_future(run_pipeline(source.items(), handler, workers=workers, buffer=buffer))
        await settle()
        ahead = source.pulled - handler.taken
        assert handler.taken == workers
        assert ahead <= buffer + 1, (f"{source.pulled} items pulled from the source while the workers took "
                                     f"{handler.taken}, with buffer={buffer}: the queue is not bounded")
        assert ahead >= buffer, f"only {ahead} items waiting with buffer={buffer}: the buffer is not used"
        handler.gate.set()
        assert len(await task) == 500
    asyncio.run(main())


def test_a_slow_consumer_holds_back_an_endless_source() -> None:
    async def main() -> None:
        pulled = 0

        async def endless() -> AsyncIterator[int]:
            nonlocal pulled
            n = 0
            while True:
                await asyncio.sleep(0)
                pulled += 1
                yield n
                n += 1

        handler = Handler()
        task = asyncio.ensure_future(run_pipeline(endless(), handler, workers=2, buffer=3))
        await settle()
        await settle()
        assert pulled <= 2 + 3 + 1, f"{pulled} items pulled from an endless source with 2 workers and buffer=3"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    asyncio.run(main())


def test_an_empty_source_gives_no_results() -> None:
    async def main() -> None:
        assert await run_pipeline(Source(0).items(), Handler(gated=False), workers=2, buffer=2) == []
    asyncio.run(main())


@pytest.mark.parametrize(("workers", "buffer"), [(0, 4), (2, 0)])
def test_no_workers_or_no_buffer_is_a_value_error(workers: int, buffer: int) -> None:
    async def main() -> None:
        with pytest.raises(ValueError):
            await run_pipeline(Source(3).items(), Handler(gated=False), workers=workers, buffer=buffer)
    asyncio.run(main())
