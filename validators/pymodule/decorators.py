"""shelfkit.retry: a decorator that calls again after growing delays, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .pytest_suite import judge_tests


@check("pymodule.decorators.retry", points=2, needs_app=False, timeout_s=120)
def retry_decorator(ctx: CheckContext) -> Passed:
    """retry() calls again after delays growing by backoff up to max_delay, raises the last error, keeps metadata.

    Runs the lab's hidden tests (hidden/tests/test_decorators.py) with the project's pytest:
    the delays recorded by an injected sleep (no attempt before its sleep, none after the
    last), the arguments passed through, the last error's own object, attempts=1 and a
    ValueError for fewer, only the listed exceptions (and their subclasses) retried,
    KeyboardInterrupt never, each call with all its attempts, methods, and the wrapper's
    __name__, __qualname__, __doc__, __module__, __wrapped__ and signature.
    """
    return judge_tests(ctx, "test_decorators.py", "retry()", hint=(
        "retry(...) returns the decorator, which returns the wrapper: decorate the wrapper with "
        "@functools.wraps(fn). After failed attempt n sleep(min(max_delay, delay * backoff ** (n - 1))); "
        "after the last one, a bare `raise` re-raises the error itself."))
