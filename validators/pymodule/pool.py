"""shelfasync.Pool: resources lent with `async with` and always given back, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .pytest_suite import ASYNC_PACKAGE, judge_tests


@check("pymodule.pool.released", points=1, needs_app=False, timeout_s=120)
def pool_released(ctx: CheckContext) -> Passed:
    """Pool lends at most `size` resources, reuses them, and gets each back however its block ends.

    Runs the lab's hidden tests (hidden/tests/test_pool.py) with the project's pytest: nothing
    made before the first acquire(), a returned resource lent again, five borrowers sharing
    two resources with the others waiting (never a third made), the block's error re-raised
    itself with the resource back in the pool, a cancelled borrower's resource given back, a
    cancelled waiter taking no slot, a failing factory freeing its slot, a ValueError for a
    size below 1.
    """
    return judge_tests(ctx, "test_pool.py", "Pool", package=ASYNC_PACKAGE, hint=(
        "With @contextlib.asynccontextmanager on acquire(): `async with self._slots:` (an asyncio.Semaphore(size)), "
        "take an idle resource or await the factory, then `try: yield resource` / `finally:` put it back: "
        "without the finally an error or a cancellation in the block loses it."))
