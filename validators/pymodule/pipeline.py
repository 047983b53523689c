"""shelfasync.run_pipeline: a producer and workers over a bounded asyncio.Queue, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .pytest_suite import ASYNC_PACKAGE, judge_tests


@check("pymodule.pipeline.backpressure", points=2, needs_app=False, timeout_s=120)
def pipeline_backpressure(ctx: CheckContext) -> Passed:
    """run_pipeline() handles every item once in order with `workers` at once, its producer at most `buffer` ahead.

    Runs the lab's hidden tests (hidden/tests/test_pipeline_backpressure.py) with the project's
    pytest: handlers wait for a gate the test opens, and the items pulled from the source are
    counted after the event loop has had every chance to pull more (no clock): `workers`
    handlers running, the source at most `buffer` + 1 items ahead of what they took and at
    least `buffer` (the queue is used), an endless source held back, every item handled once,
    results in the source's order though they finish out of order, an empty source, a
    ValueError for no workers or no buffer.
    """
    return judge_tests(ctx, "test_pipeline_backpressure.py", "run_pipeline()'s flow", package=ASYNC_PACKAGE, hint=(
        "asyncio.Queue(maxsize=buffer): put() then waits while the queue is full, which is what holds the "
        "producer back. Start `workers` consumer tasks that get(), handle and task_done(), and keep each "
        "result under its item's index to return them in order."))


@check("pymodule.pipeline.clean_cancel", points=2, needs_app=False, timeout_s=120)
def pipeline_clean_cancel(ctx: CheckContext) -> Passed:
    """run_pipeline() leaves no task behind: after its end, a handler's error or the caller's cancellation.

    Runs the lab's hidden tests (hidden/tests/test_pipeline_cancel.py) with the project's
    pytest: when run_pipeline returns or raises, asyncio.all_tasks() holds only the caller and
    the source has been closed; a handler's error raised itself after the other handlers were
    cancelled and finished, an endless source's producer stopped, the caller's cancellation
    stopping every task before it arrives, a source's own error raised, a second run after a
    failed one.
    """
    return judge_tests(ctx, "test_pipeline_cancel.py", "run_pipeline()'s endings", package=ASYNC_PACKAGE, hint=(
        "Wait with asyncio.wait(..., return_when=FIRST_COMPLETED) on 'all handled' and the workers, then in a "
        "finally cancel every task and `await asyncio.gather(*tasks, return_exceptions=True)`: cancel() only "
        "asks, a task is done once it has run its cleanup. Close the source (aclose()) in the producer's finally."))
