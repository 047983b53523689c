"""gather_limited: results in order, the first error, a limit below 1."""

from __future__ import annotations

import asyncio

import pytest
from shelfasync import gather_limited


async def echo(value: int, turns: int) -> int:
    for _ in range(turns):  # finishes after `turns` rounds of the loop: later values first
        await asyncio.sleep(0)
    return value


async def fail() -> int:
    raise LookupError("no such shelf")


def test_results_come_in_the_order_of_the_awaitables() -> None:
    results = asyncio.run(gather_limited([echo(n, 5 - n) for n in range(5)], 2))
    assert results == [0, 1, 2, 3, 4]


def test_no_awaitables_give_an_empty_list() -> None:
    assert asyncio.run(gather_limited([], 3)) == []


def test_the_first_error_is_raised_itself() -> None:
    with pytest.raises(LookupError, match="no such shelf"):
        asyncio.run(gather_limited([echo(1, 1), fail()], 2))


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        asyncio.run(gather_limited([], 0))
