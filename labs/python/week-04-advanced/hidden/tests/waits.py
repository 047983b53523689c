"""What the hidden tests wait for, without a clock: the event loop settled, or a state the code
under test reaches (and, if it never will, an answer at once rather than the test's budget)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

# Enough passes of the loop for every task that can run to reach its next wait: a handful of
# hops each (a queue, a lock, a gather), many times over.
SETTLE_ROUNDS = 100


async def settle() -> None:
    """Let every task that can run do so until it waits again (no clock involved)."""
    for _ in range(SETTLE_ROUNDS):
        await asyncio.sleep(0)


async def until(event: asyncio.Event, task: asyncio.Future[Any], what: str) -> None:
    """Wait for `event`, which the code `task` runs sets (`what` it means), or for `task` to end.

    A task that ends before setting it (an error, a starter's NotImplementedError) fails the
    test at once with its own error, instead of leaving the test to wait out its budget.
    """
    waiter = asyncio.ensure_future(event.wait())
    await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    if event.is_set():
        return
    waiter.cancel()
    result = task.result()  # raises the task's own error
    pytest.fail(f"the task ended (returning {result!r}) before {what}")
