"""retry_async: attempts, the waits between them (recorded, not slept), the last error."""

from __future__ import annotations

import asyncio

import pytest
from shelfasync import retry_async


class Flaky:
    """Fails with ConnectionError `failures` times, then answers."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self, isbn: str) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError(f"attempt {self.calls}")
        return f"book {isbn}"


def test_a_flaky_call_is_retried_with_growing_waits() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    flaky = Flaky(failures=2)
    lookup = retry_async(attempts=3, sleep=record)(flaky)

    async def main() -> str:
        return await lookup("123")  # asyncio.run takes a coroutine; the wrapper is typed as an Awaitable

    assert asyncio.run(main()) == "book 123"
    assert flaky.calls == 3
    assert waits == pytest.approx([0.1, 0.2])


def test_the_last_attempts_error_is_raised() -> None:
    async def no_wait(seconds: float) -> None:
        return None

    flaky = Flaky(failures=5)
    lookup = retry_async(attempts=2, sleep=no_wait)(flaky)
    async def main() -> str:
        return await lookup("123")

    with pytest.raises(ConnectionError, match="attempt 2"):
        asyncio.run(main())
    assert flaky.calls == 2


def test_the_wrapper_keeps_the_functions_name() -> None:
    @retry_async()
    async def lookup(isbn: str) -> str:
        """Find a book."""
        return isbn

    assert lookup.__name__ == "lookup" and lookup.__doc__ == "Find a book."


def test_fewer_than_one_attempt_is_refused() -> None:
    with pytest.raises(ValueError):
        retry_async(attempts=0)
