"""The lab's hidden tests of shelfasync.gather_limited: the bound, the order of results, the
first error cancelling the rest. No test measures time: jobs wait for events the test sets,
and "never more than" is read after the event loop has had every chance to start more."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from shelfasync import gather_limited
from waits import settle

T = TypeVar("T")
class Jobs:
    """Jobs that count how many run at once and each wait for its own gate."""

    def __init__(self, count: int) -> None:
        self.gates = [asyncio.Event() for _ in range(count)]
        self.running = 0
        self.peak = 0
        self.started: list[int] = []
        self.cancelled: list[int] = []
        self.finished: list[int] = []

    async def job(self, n: int) -> str:
        self.running += 1
        self.peak = max(self.peak, self.running)
        self.started.append(n)
        try:
            await self.gates[n].wait()
            self.finished.append(n)
            return f"job {n}"
        except asyncio.CancelledError:
            self.cancelled.append(n)
            raise
        finally:
            self.running -= 1

    def all(self) -> list[Awaitable[str]]:
        return [self.job(n) for n in range(len(self.gates))]


def run(main: Callable[[], Awaitable[T]]) -> T:
    async def wrapped() -> T:
        return await main()
    return asyncio.run(wrapped())


def test_the_results_come_in_the_order_of_the_awaitables_not_of_their_ends() -> None:
    async def main() -> None:
        jobs = Jobs(4)
        task = asyncio.ensure_future(gather_limited(jobs.all(), 4))
        await settle()
        for n in (3, 1, 2, 0):
            jobs.gates[n].set()
            await settle()
        assert jobs.finished == [3, 1, 2, 0]
        assert await task == ["job 0", "job 1", "job 2", "job 3"]
    run(main)


def test_never_more_than_limit_run_at_once_and_the_limit_is_reached() -> None:
    async def main() -> None:
        jobs = Jobs(10)
        task = asyncio.ensure_future(gather_limited(jobs.all(), 3))
        await settle()
        assert jobs.running == 3, f"{jobs.running} jobs running with limit 3 and 10 jobs waiting to start"
        for n in range(10):
            jobs.gates[n].set()
            await settle()
            assert jobs.peak <= 3, f"{jobs.peak} jobs ran at once with limit 3"
        assert await task == [f"job {n}" for n in range(10)]
        assert jobs.peak == 3
    run(main)


def test_a_finished_job_frees_its_slot_for_the_next_at_once() -> None:
    async def main() -> None:
        jobs = Jobs(5)
        task = asyncio.ensure_future(gather_limited(jobs.all(), 2))
        await settle()
        assert sorted(jobs.started) == [0, 1]
        jobs.gates[1].set()
        await settle()
        assert sorted(jobs.started) == [0, 1, 2], "job 1 finished: job 2 should have its slot"
        assert jobs.running == 2
        for gate in jobs.gates:
            gate.set()
        await task
    run(main)


def test_a_limit_of_one_runs_them_one_after_the_other() -> None:
    async def main() -> None:
        jobs = Jobs(4)
        for gate in jobs.gates:
            gate.set()
        assert await gather_limited(jobs.all(), 1) == [f"job {n}" for n in range(4)]
        assert jobs.peak == 1
        assert jobs.finished == [0, 1, 2, 3]
    run(main)


def test_a_slot_is_held_by_a_job_that_is_slow_to_finish() -> None:
    """A job that has started but not finished still counts: the slot is freed when it ends."""
    async def main() -> None:
        jobs = Jobs(6)
        task = asyncio.ensure_future(gather_limited(jobs.all(), 2))
        for _ in range(5):
            await settle()
            assert jobs.running <= 2, f"{jobs.running} jobs running with limit 2"
        assert jobs.running == 2
        for gate in jobs.gates:
            gate.set()
        await task
    run(main)


def test_any_iterable_of_awaitables_and_none_at_all() -> None:
    async def value(n: int) -> int:
        await asyncio.sleep(0)
        return n * n

    async def main() -> None:
        assert await gather_limited((value(n) for n in range(5)), 2) == [0, 1, 4, 9, 16]
        assert await gather_limited([], 3) == []
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        future.set_result(7)
        assert await gather_limited([future, value(3)], 1) == [7, 9]
    run(main)


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_below_one_is_a_value_error(limit: int) -> None:
    async def main() -> None:
        with pytest.raises(ValueError):
            await gather_limited([], limit)
    run(main)


def test_the_first_error_is_raised_and_the_running_jobs_are_cancelled() -> None:
    error = LookupError("job 1 failed")

    async def main() -> None:
        jobs = Jobs(6)

        async def failing() -> str:
            await jobs.gates[1].wait()
            raise error

        awaitables = jobs.all()
        awaitables[1].close()  # type: ignore[attr-defined]
        awaitables[1] = failing()
        task = asyncio.ensure_future(gather_limited(awaitables, 3))
        await settle()
        assert sorted(jobs.started) == [0, 2]  # and the failing one
        jobs.gates[1].set()
        with pytest.raises(LookupError) as raised:
            await task
        assert raised.value is error, "the error itself, not a copy or a group"
        assert jobs.finished == [] and sorted(jobs.cancelled) == sorted(jobs.started), \
            "every job that started is cancelled"
        assert jobs.running == 0, "the cancelled jobs have finished when gather_limited raises"
        assert asyncio.all_tasks() == {asyncio.current_task()}, "no task is left pending"
        started = list(jobs.started)
        await settle()
        assert jobs.started == started, "no job starts after gather_limited has raised"
    run(main)


def test_cancelling_the_caller_cancels_every_running_job() -> None:
    async def main() -> None:
        jobs = Jobs(5)
        task = asyncio.ensure_future(gather_limited(jobs.all(), 2))
        await settle()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert sorted(jobs.cancelled) == [0, 1]
        assert jobs.running == 0 and jobs.finished == []
        assert asyncio.all_tasks() == {asyncio.current_task()}, "no task is left pending"
    run(main)
