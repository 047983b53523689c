"""memoize(fn, options): a cache in front of a function, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .hidden_suite import judge_suite


@check("module.memoize.cached", points=2, needs_app=False, timeout_s=120)
def memoize_caches(ctx: CheckContext) -> Passed:
    """memoize() computes each key once, keeps falsy results, shares a pending promise and forgets a rejected one.

    Runs the lab's hidden tests (hidden/memoize.test.mjs) on the package with node --test:
    one call per key (the first argument by default, NaN included), undefined/0/false
    results cached, the key option, a thrown error not cached, two concurrent calls sharing
    one promise, a rejected promise dropped so the next call tries again, maxSize evicting
    the least recently used key, and clear().
    """
    return judge_suite(ctx, "memoize.test.mjs", "memoize()", hint=(
        "Keep results in a Map and test with has(), not with the value; when the result is a promise, delete "
        "its key if it rejects (and only if the cache still holds that same promise)."))
