"""The lab's hidden tests of shelfkit.retry: attempts, delays from an injected sleep, the last
error, which errors are retried, and the wrapped function's name, docstring and signature."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest
from shelfkit import retry


class Flaky:
    """A function that fails `failures` times with the errors given, then returns "ok"."""

    def __init__(self, failures: int, error: type[BaseException] = ConnectionError) -> None:
        self.failures = failures
        self.error = error
        self.calls: list[tuple[tuple[object, ...], dict[str, object]]] = []
        self.raised: list[BaseException] = []

    def __call__(self, *args: object, **kwargs: object) -> str:
        self.calls.append((args, kwargs))
        if len(self.calls) <= self.failures:
            error = self.error(f"attempt {len(self.calls)} failed")
            self.raised.append(error)
            raise error
        return "ok"


class Clock:
    """The sleep retry is given: it records each delay and never waits."""

    def __init__(self, calls: list[object] | None = None) -> None:
        self.delays: list[float] = []
        self.calls = calls

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.calls is not None:
            self.calls.append(("sleep", seconds))


def test_a_function_that_succeeds_is_called_once_with_its_arguments() -> None:
    flaky, clock = Flaky(0), Clock()
    wrapped = retry(sleep=clock)(flaky)
    assert wrapped(1, "a", key="v") == "ok"
    assert flaky.calls == [((1, "a"), {"key": "v"})]
    assert clock.delays == []


def test_failed_attempts_are_retried_after_growing_delays() -> None:
    flaky, clock = Flaky(3), Clock()
    wrapped = retry(attempts=4, delay=0.5, backoff=3.0, sleep=clock)(flaky)
    assert wrapped() == "ok"
    assert len(flaky.calls) == 4
    assert clock.delays == pytest.approx([0.5, 1.5, 4.5])


def test_the_defaults_are_three_attempts_from_a_tenth_of_a_second_doubling() -> None:
    flaky, clock = Flaky(2), Clock()
    assert retry(sleep=clock)(flaky)() == "ok"
    assert clock.delays == pytest.approx([0.1, 0.2])


def test_no_delay_is_longer_than_max_delay() -> None:
    flaky, clock = Flaky(5), Clock()
    retry(attempts=6, delay=1.0, backoff=10.0, max_delay=50.0, sleep=clock)(flaky)()
    assert clock.delays == pytest.approx([1.0, 10.0, 50.0, 50.0, 50.0])


def test_each_attempt_starts_only_after_its_sleep() -> None:
    order: list[object] = []

    def fails_twice() -> str:
        order.append("call")
        if order.count("call") <= 2:
            raise TimeoutError("slow")
        return "ok"

    retry(sleep=Clock(order))(fails_twice)()
    assert order == ["call", ("sleep", 0.1), "call", ("sleep", 0.2), "call"]


def test_after_the_last_attempt_the_last_error_itself_is_raised_and_no_sleep_follows_it() -> None:
    flaky, clock = Flaky(10), Clock()
    with pytest.raises(ConnectionError) as raised:
        retry(attempts=3, sleep=clock)(flaky)()
    assert len(flaky.calls) == 3
    assert raised.value is flaky.raised[-1]
    assert clock.delays == pytest.approx([0.1, 0.2])


def test_one_attempt_means_no_retry() -> None:
    flaky, clock = Flaky(1), Clock()
    with pytest.raises(ConnectionError):
        retry(attempts=1, sleep=clock)(flaky)()
    assert len(flaky.calls) == 1 and clock.delays == []


@pytest.mark.parametrize("attempts", [0, -1])
def test_fewer_than_one_attempt_is_refused_when_the_decorator_is_made(attempts: int) -> None:
    with pytest.raises(ValueError):
        retry(attempts=attempts)


def test_only_the_listed_exceptions_are_retried() -> None:
    flaky, clock = Flaky(1, KeyError), Clock()
    with pytest.raises(KeyError):
        retry(exceptions=(ConnectionError, TimeoutError), sleep=clock)(flaky)()
    assert len(flaky.calls) == 1 and clock.delays == []
    subclass = Flaky(1, ConnectionRefusedError)  # a ConnectionError: retried
    assert retry(exceptions=(ConnectionError,), sleep=clock)(subclass)() == "ok"


def test_by_default_exceptions_are_retried_but_not_keyboard_interrupt() -> None:
    flaky, clock = Flaky(1, KeyboardInterrupt), Clock()
    with pytest.raises(KeyboardInterrupt):
        retry(sleep=clock)(flaky)()
    assert len(flaky.calls) == 1


def documented(isbn: str, *, copies: int = 1) -> str:
    """Look a book up."""
    return f"{isbn}:{copies}"


def test_the_wrapper_keeps_the_name_docstring_module_signature_and_the_function() -> None:
    wrapped = retry(sleep=Clock())(documented)
    assert wrapped.__name__ == "documented"
    assert wrapped.__qualname__ == "documented"
    assert wrapped.__doc__ == "Look a book up."
    assert wrapped.__module__ == documented.__module__
    assert getattr(wrapped, "__wrapped__", None) is documented
    assert inspect.signature(wrapped) == inspect.signature(documented)
    assert wrapped("9780441172719", copies=2) == "9780441172719:2"


def test_a_decorated_method_gets_its_instance() -> None:
    clock = Clock()

    class Catalogue:
        def __init__(self) -> None:
            self.tries = 0

        @retry(sleep=clock)
        def find(self, isbn: str) -> str:
            self.tries += 1
            if self.tries < 2:
                raise ConnectionError("down")
            return isbn

    catalogue = Catalogue()
    assert catalogue.find("x") == "x" and catalogue.tries == 2


def test_each_call_gets_all_its_attempts_again() -> None:
    calls: list[int] = []

    def fails_on_odd_calls() -> int:
        calls.append(1)
        if len(calls) % 2:
            raise ConnectionError("odd")
        return len(calls)

    clock = Clock()
    wrapped: Callable[[], int] = retry(attempts=2, sleep=clock)(fails_on_odd_calls)
    assert [wrapped(), wrapped(), wrapped()] == [2, 4, 6]
