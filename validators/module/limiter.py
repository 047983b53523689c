"""limit(concurrency): a concurrency limiter, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .hidden_suite import judge_suite


@check("module.limiter.bounded", points=2, needs_app=False, timeout_s=120)
def limiter_bounded(ctx: CheckContext) -> Passed:
    """limit(n) never runs more than n tasks at once, reaches n, and a rejected task frees its slot.

    Runs the lab's hidden tests (hidden/limiter.test.mjs) on the package with node --test:
    200 tasks of uneven lengths under limit(4) counted as they run (never 5, and 4 reached),
    FIFO order under limit(1), rejected and synchronously throwing tasks (their own call
    rejects, the queue goes on), 100 tasks half of which fail, and a RangeError for a
    concurrency below 1 or not an integer.
    """
    return judge_suite(ctx, "limiter.test.mjs", "limit()", hint=(
        "Count the running tasks; start a queued one only while fewer than n run, and free the slot when a "
        "task settles either way (finally), then start the next queued task."))
