"""shelfasync.gather_limited: many awaitables, never more than `limit` at once, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .pytest_suite import ASYNC_PACKAGE, judge_tests


@check("pymodule.gather.limited", points=2, needs_app=False, timeout_s=120)
def gather_limited(ctx: CheckContext) -> Passed:
    """gather_limited() runs at most `limit` awaitables at once, returns results in order, and stops at the first error.

    Runs the lab's hidden tests (hidden/tests/test_gather.py) with the project's pytest: jobs
    that wait for events the test sets, counted while they run, so no clock is read: exactly
    `limit` running while more wait, a finished job's slot taken by the next at once, a slow
    job holding its slot until it ends, the results in the awaitables' order whatever order
    they finish in, any iterable (a generator, futures, none), a ValueError for a limit below
    1; the first error raised itself with every running job cancelled and finished and no task
    left (asyncio.all_tasks()); the caller's cancellation reaching every running job.
    """
    return judge_tests(ctx, "test_gather.py", "gather_limited()", package=ASYNC_PACKAGE, hint=(
        "Hold an asyncio.Semaphore(limit) for the whole await: `async with semaphore: return await awaitable` "
        "in a helper coroutine, one task per awaitable, then asyncio.gather them; in a finally, cancel every "
        "task and await asyncio.gather(*tasks, return_exceptions=True) so none is left running."))
