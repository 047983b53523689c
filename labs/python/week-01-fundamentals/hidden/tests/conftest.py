"""Every hidden test has a budget, and a folder of its own."""

from __future__ import annotations

import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
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
        raise TimedOut(f"the test did not finish within {TEST_BUDGET_S} s (a loop that never ends? a read that waits?)")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, TEST_BUDGET_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A folder of the test's own under $TMPDIR, removed after it. In place of pytest's, whose
    numbered folders in <tmp>/pytest-of-<user> are shared with every pytest run of the account:
    each run deletes the older ones, so a check would spend its time removing other runs' files."""
    with tempfile.TemporaryDirectory(prefix="shelfkit-test-") as folder:
        yield Path(folder)
