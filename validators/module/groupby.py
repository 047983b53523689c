"""groupBy(items, keyOf): items grouped by a computed key, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .hidden_suite import judge_suite


@check("module.groupby.keys", points=1, needs_app=False, timeout_s=120)
def groupby_keys(ctx: CheckContext) -> Passed:
    """groupBy() groups any iterable by key into a null-prototype object, in first-appearance order.

    Runs the lab's hidden tests (hidden/groupby.test.mjs) on the package with node --test:
    order of groups and of items, an empty input, keys named like Object.prototype's members
    (constructor, toString, __proto__), a generator and a Set, the index passed to the key
    function once per item, number and symbol keys.
    """
    return judge_suite(ctx, "groupby.test.mjs", "groupBy()", hint=(
        "Start from Object.create(null), as Object.groupBy does: a plain {} already has constructor, toString "
        "and __proto__, so those keys collide with what it inherits."))
