"""retry(fn, options): attempts with exponential backoff, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .hidden_suite import judge_suite


@check("module.retry.backoff", points=2, needs_app=False, timeout_s=120)
def retry_backs_off(ctx: CheckContext) -> Passed:
    """retry() tries again after delays that grow from baseMs by factor up to maxMs, and rejects with the last error.

    Runs the lab's hidden tests (hidden/retry.test.mjs) on the package with node --test: the
    delays read from an injected sleep() that the tests resolve themselves (no attempt may
    start before its delay has passed), the attempt numbers fn receives, retries: 0,
    shouldRetry, a synchronous throw, the error object of the last attempt, and the default
    clock (setTimeout) under node:test's mock.timers.
    """
    return judge_suite(ctx, "retry.test.mjs", "retry()", hint=(
        "After failed attempt n (from 1) wait min(maxMs, baseMs * factor ** (n - 1)) with options.sleep "
        "(default: a setTimeout promise), and await that wait before the next attempt; after the last one, "
        "throw the error it threw."))
