"""The lab's hidden tests of shelfasync.run_pipeline's endings: a handler's error or the
caller's cancellation stops the producer and every worker, and when run_pipeline raises no
task it started is still pending (asyncio.all_tasks()) and the source is closed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from shelfasync import run_pipeline
from waits import settle


class Source:
    """An async source that records whether it was closed."""

    def __init__(self, count: int | None) -> None:
        self.count = count
        self.closed = False

    async def items(self) -> AsyncIterator[int]:
        n = 0
        try:
            while self.count is None or n < self.count:
                await asyncio.sleep(0)
                yield n
                n += 1
        finally:
            self.closed = True


class Workers:
    """Handlers that wait for a gate; the one for `failing` raises `error` instead."""

    def __init__(self, failing: int | None = None, error: BaseException | None = None) -> None:
        self.gate = asyncio.Event()
        self.failing = failing
        self.error = error
        self.running = 0
        self.cancelled = 0
        self.fail_now = asyncio.Event()

    async def __call__(self, n: int) -> int:
        self.running += 1
        try:
            if n == self.failing and self.error is not None:
                await self.fail_now.wait()
                raise self.error
            await self.gate.wait()
            return n
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.running -= 1


def only_this_task() -> bool:
    return asyncio.all_tasks() == {asyncio.current_task()}


def test_a_finished_pipeline_leaves_no_task_and_closes_its_source() -> None:
    async def main() -> None:
        source, workers = Source(20), Workers()
        workers.gate.set()
        assert await run_pipeline(source.items(), workers, workers=3, buffer=2) == list(range(20))
        assert only_this_task(), f"tasks left pending: {asyncio.all_tasks() - {asyncio.current_task()}}"
        assert source.closed
    asyncio.run(main())


def test_a_handlers_error_is_raised_after_every_task_has_stopped() -> None:
    error = ValueError("item 2 is malformed")

    async def main() -> None:
        source, workers = Source(None), Workers(failing=2, error=error)
        task = asyncio.ensure_future(run_pipeline(source.items(), workers, workers=3, buffer=4))
        await settle()
        assert workers.running == 3
        workers.fail_now.set()
        with pytest.raises(ValueError) as raised:
            await task
        assert raised.value is error, "the handler's error itself"
        assert workers.running == 0 and workers.cancelled == 2, "the other handlers are cancelled and have finished"
        assert only_this_task(), f"tasks left pending: {asyncio.all_tasks() - {asyncio.current_task()}}"
        assert source.closed, "the source is closed"
    asyncio.run(main())


def test_cancelling_the_caller_stops_every_task_before_the_cancellation_arrives() -> None:
    async def main() -> None:
        source, workers = Source(None), Workers()
        task = asyncio.ensure_future(run_pipeline(source.items(), workers, workers=2, buffer=2))
        await settle()
        assert workers.running == 2
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert workers.running == 0 and workers.cancelled == 2
        assert only_this_task(), f"tasks left pending: {asyncio.all_tasks() - {asyncio.current_task()}}"
        assert source.closed
    asyncio.run(main())


def test_an_error_of_the_source_is_raised_and_stops_the_workers() -> None:
    error = OSError("the feed broke")

    async def broken() -> AsyncIterator[int]:
        yield 1
        yield 2
        await asyncio.sleep(0)
        raise error

    async def main() -> None:
        workers = Workers()
        with pytest.raises(OSError) as raised:
            await run_pipeline(broken(), workers, workers=2, buffer=4)
        assert raised.value is error
        assert workers.running == 0
        assert only_this_task(), f"tasks left pending: {asyncio.all_tasks() - {asyncio.current_task()}}"
    asyncio.run(main())


def test_a_pipeline_can_be_run_again_after_a_failure() -> None:
    async def main() -> None:
        failing = Workers(failing=0, error=RuntimeError("first run"))
        failing.fail_now.set()
        with pytest.raises(RuntimeError):
            await run_pipeline(Source(5).items(), failing, workers=2, buffer=2)
        good = Workers()
        good.gate.set()
        assert await run_pipeline(Source(5).items(), good, workers=2, buffer=2) == [0, 1, 2, 3, 4]
        assert only_this_task()
    asyncio.run(main())
