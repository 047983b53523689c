"""run_pipeline: every item handled once, in the source's order; a handler's error; bad sizes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from shelfasync import run_pipeline


async def numbers(count: int) -> AsyncIterator[int]:
    for n in range(count):
        yield n


async def double(n: int) -> int:
    for _ in range(n % 3):  # some handlers finish later than the next ones
        await asyncio.sleep(0)
    return n * 2


async def refuse_three(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


def test_results_come_in_the_sources_order() -> None:
    assert asyncio.run(run_pipeline(numbers(20), double, workers=3, buffer=2)) == [n * 2 for n in range(20)]


def test_an_empty_source_gives_an_empty_list() -> None:
    assert asyncio.run(run_pipeline(numbers(0), double)) == []


def test_a_handlers_error_is_raised() -> None:
    with pytest.raises(ValueError, match="three"):
        asyncio.run(run_pipeline(numbers(10), refuse_three, workers=2, buffer=1))


@pytest.mark.parametrize(("workers", "buffer"), [(0, 1), (1, 0)])
def test_no_workers_or_no_buffer_is_refused(workers: int, buffer: int) -> None:
    with pytest.raises(ValueError):
        asyncio.run(run_pipeline(numbers(1), double, workers=workers, buffer=buffer))
