"""shelfasync.retry_async: a coroutine function awaited again after growing delays, judged by the hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .pytest_suite import ASYNC_PACKAGE, judge_tests


@check("pymodule.retry.async_backoff", points=2, needs_app=False, timeout_s=120)
def retry_async_backoff(ctx: CheckContext) -> Passed:
    """retry_async() awaits the call again after awaited, growing delays, never retries a cancellation, keeps metadata.

    Runs the lab's hidden tests (hidden/tests/test_retry.py) with the project's pytest: the
    delays recorded by an injected async sleep when it is awaited (call, sleep, call, ...; none
    after the last), the defaults 0.1 and 0.2, the last error's own object, only the listed
    exceptions (and subclasses) retried, TimeoutError like any exception, a cancelled call
    never called again, ValueError below one attempt, concurrent calls each with their own
    attempts, methods, and the wrapper a coroutine function with the wrapped one's name,
    qualname, docstring, module, __wrapped__ and signature.
    """
    return judge_tests(ctx, "test_retry.py", "retry_async()", package=ASYNC_PACKAGE, hint=(
        "The wrapper is an `async def` decorated with @functools.wraps(fn). Catch only `exceptions` (an "
        "`except BaseException` catches asyncio.CancelledError too, and retries a cancelled call), re-raise "
        "with a bare `raise` after the last attempt, and `await sleep(delay * backoff ** (n - 1))` between."))
