"""The lab's hidden tests of shelfasync.retry_async: attempts, delays awaited from an injected
sleep, the last error, which errors are retried (a cancellation never), and the wrapped
coroutine function's name and signature."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from shelfasync import retry_async
from waits import until


class Flaky:
    """A coroutine function that fails `failures` times with the error given, then returns "ok"."""

    def __init__(self, failures: int, error: type[BaseException] = ConnectionError,
                 log: list[object] | None = None) -> None:
        self.failures = failures
        self.error = error
        self.calls: list[tuple[tuple[object, ...], dict[str, object]]] = []
        self.raised: list[BaseException] = []
        self.log = log

    async def __call__(self, *args: object, **kwargs: object) -> str:
        self.calls.append((args, kwargs))
        if self.log is not None:
            self.log.append("call")
        await asyncio.sleep(0)
        if len(self.calls) <= self.failures:
            error = self.error(f"attempt {len(self.calls)} failed")
            self.raised.append(error)
            raise error
        return "ok"


class Sleep:
    """The sleep retry_async is given: records each delay when it is awaited, and never waits."""

    def __init__(self, log: list[object] | None = None) -> None:
        self.delays: list[float] = []
        self.log = log

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.log is not None:
            self.log.append(("sleep", seconds))
        await asyncio.sleep(0)


def test_a_call_that_succeeds_runs_once_with_its_arguments() -> None:
    flaky, sleep = Flaky(0), Sleep()
    wrapped = retry_async(sleep=sleep)(flaky)
    assert asyncio.run(wrapped(1, "a", key="v")) == "ok"
    assert flaky.calls == [((1, "a"), {"key": "v"})]
    assert sleep.delays == []


def test_failed_attempts_are_retried_after_awaited_growing_delays() -> None:
    log: list[object] = []
    flaky, sleep = Flaky(3, log=log), Sleep(log)
    wrapped = retry_async(attempts=4, delay=0.5, backoff=3.0, sleep=sleep)(flaky)
    assert asyncio.run(wrapped()) == "ok"
    assert sleep.delays == pytest.approx([0.5, 1.5, 4.5])
    assert log == ["call", ("sleep", 0.5), "call", ("sleep", 1.5), "call", ("sleep", 4.5), "call"]


def test_the_defaults_are_three_attempts_from_a_tenth_of_a_second_doubling() -> None:
    flaky, sleep = Flaky(5), Sleep()
    with pytest.raises(ConnectionError):
        asyncio.run(retry_async(sleep=sleep)(flaky)())
    assert len(flaky.calls) == 3
    assert sleep.delays == pytest.approx([0.1, 0.2])


def test_the_last_error_is_raised_itself_and_no_sleep_follows_it() -> None:
    flaky, sleep = Flaky(9), Sleep()
    with pytest.raises(ConnectionError) as raised:
        asyncio.run(retry_async(attempts=2, sleep=sleep)(flaky)())
    assert raised.value is flaky.raised[-1]
    assert len(sleep.delays) == 1


def test_only_the_listed_exceptions_and_their_subclasses_are_retried() -> None:
    sleep = Sleep()
    refused = Flaky(1, error=ConnectionRefusedError)  # a subclass of ConnectionError
    assert asyncio.run(retry_async(exceptions=(ConnectionError,), sleep=sleep)(refused)()) == "ok"
    other = Flaky(1, error=KeyError)
    with pytest.raises(KeyError):
        asyncio.run(retry_async(exceptions=(ConnectionError,), sleep=sleep)(other)())
    assert len(other.calls) == 1


def test_a_cancelled_call_is_never_retried() -> None:
    async def main() -> None:
        started = asyncio.Event()
        calls: list[int] = []

        async def fetch() -> str:
            calls.append(1)
            if len(calls) == 1:
                started.set()
                await asyncio.Event().wait()  # until cancelled
            return "a retried cancellation"

        sleep = Sleep()
        task = asyncio.ensure_future(retry_async(sleep=sleep)(fetch)())
        await until(started, task, "the first call of fetch started")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert calls == [1] and sleep.delays == []
    asyncio.run(main())


def test_a_timeout_error_is_retried_like_any_exception() -> None:
    flaky, sleep = Flaky(2, error=TimeoutError), Sleep()
    assert asyncio.run(retry_async(sleep=sleep)(flaky)()) == "ok"
    assert len(flaky.calls) == 3


def test_each_call_gets_all_its_attempts_and_calls_run_concurrently() -> None:
    async def main() -> None:
        flaky, sleep = Flaky(2), Sleep()
        wrapped = retry_async(attempts=3, sleep=sleep)(flaky)
        assert await wrapped() == "ok"
        flaky.calls.clear()
        flaky.raised.clear()
        assert await asyncio.gather(wrapped(), wrapped()) == ["ok", "ok"]
    asyncio.run(main())


@pytest.mark.parametrize("attempts", [0, -2])
def test_fewer_than_one_attempt_is_a_value_error_before_decorating(attempts: int) -> None:
    with pytest.raises(ValueError):
        retry_async(attempts=attempts)


def test_one_attempt_calls_once_and_never_sleeps() -> None:
    flaky, sleep = Flaky(1), Sleep()
    with pytest.raises(ConnectionError):
        asyncio.run(retry_async(attempts=1, sleep=sleep)(flaky)())
    assert len(flaky.calls) == 1 and sleep.delays == []


def test_the_wrapper_is_a_coroutine_function_that_looks_like_the_one_it_wraps() -> None:
    async def lookup(isbn: str, *, copies: int = 1) -> str:
        """Find a title by ISBN."""
        return f"{isbn} x{copies}"

    wrapped = retry_async()(lookup)
    assert inspect.iscoroutinefunction(wrapped)
    assert (wrapped.__name__, wrapped.__doc__, wrapped.__module__) == ("lookup", "Find a title by ISBN.", __name__)
    assert wrapped.__qualname__ == lookup.__qualname__
    assert wrapped.__wrapped__ is lookup  # type: ignore[attr-defined]
    assert inspect.signature(wrapped) == inspect.signature(lookup)
    assert asyncio.run(wrapped("978", copies=2)) == "978 x2"


def test_methods_are_retried_with_their_instance() -> None:
    sleep = Sleep()

    class Client:
        def __init__(self) -> None:
            self.calls = 0

        @retry_async(sleep=sleep)
        async def fetch(self, path: str) -> str:
            self.calls += 1
            if self.calls < 2:
                raise ConnectionError("once")
            return f"{path} fetched"

    client = Client()
    assert asyncio.run(client.fetch("/books")) == "/books fetched"
    assert client.calls == 2
