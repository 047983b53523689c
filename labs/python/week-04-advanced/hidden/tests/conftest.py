"""Every hidden test has a budget: one that waits for ever (a task never woken) fails alone."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import FrameType

import pytest

# Each lab's hidden folder stands alone: a failing check's reproduce line copies this folder, and
# only it, into the learner's project. So this fixture is written out in each lab that has one
# rather than imported from a shared module the learner would not have.
TEST_BUDGET_S = 10


class TimedOut(BaseException):
    """Not an Exception: code under test that catches Exception does not swallow it."""


@pytest.fixture(autouse=True)
def _budget() -> Iterator[None]:
    """A loop that never ends fails its test, not the whole run."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise TimedOut(f"the test did not finish within {TEST_BUDGET_S} s "
                       "(a task that waits for ever? a loop that never ends?)")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, TEST_BUDGET_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

