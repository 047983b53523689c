"""shelfasync.with_timeout: a deadline that cancels what missed it, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .pytest_suite import ASYNC_PACKAGE, judge_tests


@check("pymodule.timeout.cancels", points=1, needs_app=False, timeout_s=120)
def timeout_cancels(ctx: CheckContext) -> Passed:
    """with_timeout() gives the result in time, else raises TimeoutError with the awaitable cancelled and cleaned up.

    Runs the lab's hidden tests (hidden/tests/test_timeout.py) with the project's pytest: what
    misses its deadline waits for an event that is never set, so the tests do not depend on
    the machine's speed: TimeoutError (the built-in), the awaitable cancelled and its
    `finally` run before with_timeout raises, a task given to it cancelled too, a deadline of
    0, nothing left running; the awaitable's own error untouched, the caller's cancellation a
    CancelledError and not a timeout, several timeouts in a row.
    """
    return judge_tests(ctx, "test_timeout.py", "with_timeout()", package=ASYNC_PACKAGE, hint=(
        "`async with asyncio.timeout(seconds): return await awaitable` cancels the awaitable at the deadline and "
        "raises TimeoutError once it has finished; asyncio.shield() or asyncio.wait(..., timeout=) leave it "
        "running."))
