"""with_timeout: the result in time, TimeoutError after the deadline, the awaitable's own error."""

from __future__ import annotations

import asyncio

import pytest
from shelfasync import with_timeout


async def answer() -> str:
    return "42"


async def fail() -> str:
    raise ConnectionResetError("peer went away")


def test_the_result_of_an_awaitable_that_finishes_in_time() -> None:
    assert asyncio.run(with_timeout(answer(), 30)) == "42"


def test_an_awaitable_that_never_finishes_gives_a_timeout_error() -> None:
    async def main() -> None:
        never = asyncio.Event()
        with pytest.raises(TimeoutError):
            await with_timeout(never.wait(), 0)
    asyncio.run(main())


def test_the_awaitables_own_error_goes_through() -> None:
    with pytest.raises(ConnectionResetError):
        asyncio.run(with_timeout(fail(), 30))
