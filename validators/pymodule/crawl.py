"""shelfasync.crawl: many URLs against the hidden suites' own slow HTTP server, judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .pytest_suite import ASYNC_PACKAGE, judge_tests


@check("pymodule.crawl.bounded", points=2, needs_app=False, timeout_s=120)
def crawl_bounded(ctx: CheckContext) -> Passed:
    """crawl() never has more than `limit` requests in flight, and keeps all `limit` of them busy.

    Runs the lab's hidden tests (hidden/tests/test_crawl_bounded.py) with the project's pytest:
    an HTTP server inside each test's own event loop counts the connections open at once and
    answers held requests only once `limit` of them are in flight (all that are left, when
    fewer), so a crawler that fetches one at a time or under-uses its limit never gets an
    answer and fails by the test's deadline, and one that goes over its limit is counted;
    limits of 1 and above the number of URLs, a result per URL keyed by it in order, a URL
    given twice fetched once, any iterable, a ValueError for a limit below 1.
    """
    return judge_tests(ctx, "test_crawl_bounded.py", "crawl()'s concurrency", package=ASYNC_PACKAGE, hint=(
        "Hold an asyncio.Semaphore(limit) for the whole request: `async with semaphore: return await fetch(url)` "
        "in a helper coroutine, one task per URL, then asyncio.gather them. A semaphore released once the request "
        "has started limits nothing, and awaiting each URL in turn uses one slot of `limit`."))


@check("pymodule.crawl.timeouts", points=2, needs_app=False, timeout_s=120)
def crawl_timeouts(ctx: CheckContext) -> Passed:
    """crawl() cuts a URL that never answers at `timeout` and cancels its request; errors are results.

    Runs the lab's hidden tests (hidden/tests/test_crawl_timeouts.py) with the project's
    pytest against an HTTP server inside each test's own event loop: a URL that never answers
    gives a TimeoutError once `timeout` has passed from its own start (not the crawl's), its
    connection closed as the server sees it and nothing left running, while the others
    complete; a refused connection, a response cut short and a URL that is not http:// are
    those URLs' results (a 500 is a page); cancelling the crawl closes every request it has
    open before the CancelledError reaches the caller.
    """
    return judge_tests(ctx, "test_crawl_timeouts.py", "crawl()'s timeouts and errors", package=ASYNC_PACKAGE, hint=(
        "Inside the semaphore, `async with asyncio.timeout(timeout): return await fetch(url)` cancels the request "
        "at the deadline (asyncio.shield would leave it running); catch Exception around it and return the error "
        "as that URL's result (CancelledError is no Exception, so a cancelled crawl still stops); in a finally, "
        "cancel every task and await asyncio.gather(*tasks, return_exceptions=True)."))
