"""FanOut.all runs thousands of blocking calls at once, on virtual threads (java/week-05).

The harness runs a slow endpoint of its own (holding_endpoint.py) and its own Java program
(the lab's hidden/probe/ThreadsProbe.java), which hands FanOut.all CALLS blocking socket
requests to it. The endpoint holds each request until all CALLS are in flight at once: a
caller with a virtual thread per call gets there (a blocked virtual thread costs no OS
thread), a pool of P platform threads stalls at P. The verdict reads two states, never a
duration: the most requests the endpoint held at once, and how many calls the probe saw
running on a virtual thread (`Thread.isVirtual()` in each call). A pool of as many platform
threads as calls would reach the count, and fails on the second.

The probe is compiled from source in the unnamed module with the learner's module on the
module path (`java --module-path target/classes --add-modules dev.shelf.fanout ...`): it
reaches FanOut through the module's export, as any caller would.
"""

from __future__ import annotations

import re

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check

from ..module.hidden_files import placed
from .holding_endpoint import HoldingEndpoint, Observed
from .maven_suite import tail
from .module import CLASSES, JVM_FLAGS, MODULE, compiled_module

CALLS = 2000
# How long the endpoint waits for the next call before it calls the caller's pool stalled.
# A caller with a thread per call sends its 2000 requests within a second of the first even
# on a busy machine; only a failing caller waits this out.
STALL_S = 3.0
CALL_TIMEOUT_S = 60  # FanOut.all's own timeout in the probe: the endpoint answers long before
PROBE_BUDGET_S = 120.0
_LINE = re.compile(r"^probe: calls=(\d+) virtual=(\d+) results=(\d+)", re.MULTILINE)


def probe_command(probe: str, port: int, calls: int = CALLS) -> list[str]:
    return ["java", *JVM_FLAGS, "--module-path", CLASSES.as_posix(), "--add-modules", MODULE,
            probe, str(port), str(calls), str(CALL_TIMEOUT_S)]


def judge(seen: Observed, output: str, exit_code: int | None, reproduce: str) -> Passed:
    """The verdict from what the endpoint held and what the probe printed."""
    line = _LINE.search(output)
    if seen.peak < seen.want:
        stalled = (f"then no new call came for {STALL_S:g} s" if seen.stalled
                   else "then the program ended" if exit_code is not None else "then the program was stopped")
        raise Failure(
            f"at most {seen.peak} of {seen.want} blocking calls were in flight at once ({stalled})",
            expected=f"all {seen.want} calls in flight at once: the endpoint answers none until they are",
            actual=tail(output, 10) if line is None else f"{seen.requests} requests in all; the probe: {line.group(0)}",
            hint=("A pool of N platform threads runs N blocking calls at a time. Run each call on a virtual "
                  "thread of its own: Executors.newVirtualThreadPerTaskExecutor() or Thread.ofVirtual().start(...)."
                  if seen.peak else "FanOut.all made no call: see the program's output above."),
            reproduce=reproduce)
    if line is None or exit_code != 0:
        raise Failure("all the calls were in flight, but the probe did not end with its results",
                      expected="FanOut.all returns the calls' results once the endpoint answers them",
                      actual=tail(output, 10), reproduce=reproduce)
    calls, virtual = int(line.group(1)), int(line.group(2))
    if virtual < calls:
        raise Failure(
            f"{seen.peak} calls were in flight at once, but only {virtual} of {calls} ran on a virtual thread",
            expected="Thread.currentThread().isVirtual() in every call",
            actual=line.group(0),
            hint=("That many platform threads cost an OS thread and its stack each (a graded run's process "
                  "limit stops them long before): use Executors.newVirtualThreadPerTaskExecutor() or "
                  "Thread.ofVirtual()."),
            reproduce=reproduce)
    return Passed(f"all {calls} blocking calls were in flight at once, each on a virtual thread")


@check("jmodule.threads.virtual", points=3, needs_app=False, timeout_s=240)
def threads_virtual(ctx: CheckContext) -> Passed:
    """FanOut.all has all of 2000 blocking calls in flight at once, each on a virtual thread.

    The harness's endpoint on 127.0.0.1 holds every request until 2000 are in flight; the
    harness's program (hidden/probe/ThreadsProbe.java, compiled against the module's exports)
    gives FanOut.all 2000 calls that each send one request over a plain blocking socket and
    record whether they run on a virtual thread. Fails when the endpoint never held them all
    at once (it stops waiting once no new request has come for 3 s, and names the most it
    held: a pool's size), or when a call ran on a platform thread.
    """
    compiled_module(ctx)
    with placed(ctx, "probe") as folder, HoldingEndpoint(CALLS, STALL_S) as endpoint:
        command = probe_command((folder / "ThreadsProbe.java").as_posix(), endpoint.port)
        run = ctx.app.run_command(command, timeout_s=PROBE_BUDGET_S)
        seen = endpoint.observed()
    # The endpoint is the harness's: the whole check is what a learner reruns.
    reproduce = (f"harness check week-05 --track java --only jmodule.threads.virtual (it runs "
                 f"`java --module-path target/classes --add-modules {MODULE} ThreadsProbe.java PORT {CALLS} "
                 f"{CALL_TIMEOUT_S}` against its endpoint)")
    return judge(seen, run.output, run.exit_code, reproduce)
