"""Pool: nothing made up front, a resource lent and reused, a size below 1."""

from __future__ import annotations

import asyncio

import pytest
from shelfasync import Pool


def test_a_returned_resource_is_lent_again() -> None:
    made: list[int] = []

    async def connect() -> int:
        made.append(len(made))
        return made[-1]

    async def main() -> None:
        pool = Pool(connect, size=2)
        assert (pool.created, pool.idle) == (0, 0)
        async with pool.acquire() as first:
            assert (pool.created, pool.idle) == (1, 0)
        async with pool.acquire() as second:
            assert second == first
        assert (pool.created, pool.idle) == (1, 1)
    asyncio.run(main())


def test_a_size_below_one_is_refused() -> None:
    async def connect() -> int:
        return 0

    with pytest.raises(ValueError):
        Pool(connect, size=0)
