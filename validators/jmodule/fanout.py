"""FanOut.all's results, failures and timeout (java/week-05), judged by the lab's hidden tests."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .maven_suite import judge


@check("jmodule.fanout.results", points=2, needs_app=False, timeout_s=300)
def fanout_results(ctx: CheckContext) -> Passed:
    """FanOut.all returns the results in the calls' order, and on a failure or a timeout
    interrupts the calls still running and waits for them before it throws.

    Runs the hidden FanOutTest with the project's Maven (on the module path, as Surefire runs a
    modular project's tests): results in the order of the calls when they end in another order;
    an empty list for no calls; a failed call's own exception as the ExecutionException's cause,
    the other calls interrupted and none still running when all() throws; a TimeoutException
    after the timeout, the calls still running interrupted and ended; NullPointerException for
    null calls, a null call or a null timeout; the calls not run on the caller's thread.
    """
    return judge(ctx, ("FanOutTest",), "FanOut.all", hint=(
        "Keep a Future per call in the calls' order and read the results from them, not in the order they end. "
        "In a finally, future.cancel(true) interrupts the calls still running; an executor in try-with-resources "
        "waits for them in close(). ExecutorCompletionService.poll(remaining, NANOSECONDS) gives the first call "
        "to end (or fail) within what is left of the timeout."))
