"""Graceful shutdown: on SIGTERM the gateway finishes the requests in flight, then exits."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from harness.outcomes import CannotCheck, Failure, Passed
from harness.registry import CheckContext, check

from .pg_dependency import Database
from .shared import PARAMS, caller, ensure_running, received, upstream, wait_until

# A short bounded load (the harness's generator, harness/load): RATE requests a second for
# DURATION, each on a connection of its own (Connection: close), so that a request is either
# taken by the gateway or refused, never caught on an idle keep-alive connection mid-close.
RATE = 40
DURATION = "2s"
# The service's answers are held at the harness's proxy until the SIGTERM: every request the
# gateway takes stays in flight, and the SIGTERM comes once IN_FLIGHT are (a count, however
# fast the machine sends them). The answers are released HOLD_S after the signal, while a
# graceful gateway still waits for them and an abrupt one is already gone. Two bounds, each with
# about a second to spare on a busy machine: an abrupt server may take a moment to go (a JVM
# whose shutdown=immediate still closes Spring's context, gunicorn's master killing its workers
# when graceful_timeout is 0), which must end before the release or its dropped requests are
# answered after all; and a graceful gateway's own call timeout (the labs advise 2 s) must not
# end the oldest held call first: it is IN_FLIGHT / RATE (75 ms) plus HOLD_S old at the release.
HOLD_S = 1.0
IN_FLIGHT = 3
IN_FLIGHT_WITHIN_S = 10.0  # the generator's start, then IN_FLIGHT requests at RATE
# The lab's contract: exit within 10 s of the SIGTERM (an orchestrator's grace is 30 s).
EXIT_WITHIN_S = 10.0
# The generator's error kinds do not tell a request refused after the SIGTERM (fine: the listener
# is closed) from one dropped in flight (its client reconnects, and is refused): the check counts
# instead the requests the gateway took, from the service's side (one call each), against the 200s.

SCENARIO = """\
[defaults]
headers = {{ Connection = "close" }}
expect_status = [200]

[[route]]
path = "{route}"
"""


@check("micro.shutdown.graceful", points=3, params=PARAMS, timeout_s=90)
def sigterm_drops_no_request(ctx: CheckContext) -> Passed:
    """On SIGTERM the app answers every request in flight, then exits.

    Under a short load, with requests in flight (the service's answers held back a moment), the
    harness sends the gateway SIGTERM: every request it had taken is answered 200 (later ones
    may be refused), and its processes exit by themselves within 10 s. The harness then
    starts it again when a check after this one needs it. With `dependency = "postgres"` the
    requests are held in flight by a lock of the harness's on the app's tables, and each
    waiting session is a request taken.
    """
    from harness.load.api import LoadError, UsageError, bench

    named, route = upstream(ctx, str(ctx.param("dependency"))), str(ctx.param("route"))
    app = caller(named)
    hint = ctx.hint(
        "On SIGTERM stop accepting connections (close the listening socket), let the requests already "
        "taken finish, then exit; keep a last-resort timer shorter than the orchestrator's grace.",
        node="process.on('SIGTERM', () => server.close(() => process.exit(0))); server.close() alone lets "
             "in-flight requests finish; without a handler Node dies at once. In a Dockerfile use the exec "
             "form CMD [\"node\", ...] so that node, not a shell, gets the signal.",
        python="Uvicorn and gunicorn's uvicorn workers finish the requests in flight on SIGTERM by themselves: "
               "keep gunicorn's graceful_timeout (and uvicorn's --timeout-graceful-shutdown) at several seconds, "
               "and start the server with exec (or CMD in exec form) so that it gets the signal.",
        java="Spring Boot: server.shutdown=graceful and spring.lifecycle.timeout-per-shutdown-phase=10s.")
    outcome: dict[str, Any] = {}

    def load(scenario: Path) -> None:
        try:
            outcome["result"] = bench(ctx.app.base_url, rate=RATE, duration=DURATION, scenario=scenario)
        except (LoadError, UsageError) as exc:
            outcome["error"] = exc

    with tempfile.TemporaryDirectory(prefix="harness-shutdown-") as folder:
        scenario = Path(folder) / "scenario.toml"
        scenario.write_text(SCENARIO.format(route=route), encoding="utf-8")
        named.proxy.hold()
        # Every request the app took before the signal: a call to the service (answered or held), or
        # a session of the app waiting on the harness's lock.
        if isinstance(named, Database):
            hold = named.proxy

            def taken_now() -> int:
                return hold.held
        else:
            proxied, since = named, len(named.proxy.received())

            def taken_now() -> int:
                return len(received(proxied, since))
        released = threading.Timer(HOLD_S, named.proxy.release)
        worker = threading.Thread(target=load, args=(scenario,), name="shutdown-load", daemon=True)
        try:
            worker.start()
            if not wait_until(lambda: named.proxy.held >= IN_FLIGHT or not worker.is_alive(), IN_FLIGHT_WITHIN_S) \
                    or named.proxy.held < IN_FLIGHT:
                worker.join()
                if "error" in outcome:
                    raise CannotCheck(f"the load generator did not run: {outcome['error']}")
                raise Failure(f"under {RATE} requests a second to GET {route}, fewer than {IN_FLIGHT} calls to the "
                              f"{named.name} service were ever in flight at once",
                              hint=f"Answer {route} by calling the {named.name} service.")
            in_flight = named.proxy.held
            taken = taken_now()
            exited = ctx.app.terminate(EXIT_WITHIN_S, after_signal=released.start)
            tail = ctx.app.log_tail(15)  # the gateway that got the signal: restart() starts another
            worker.join()
        finally:
            released.cancel()
            named.proxy.release()
    seconds = ctx.app.restart_if_needed()
    ctx.note(f"{app} was started again ({seconds:.1f} s)" if seconds is not None
             else f"{app} was left stopped: no check after this one sends it requests")
    ensure_running(named)
    if "error" in outcome:
        raise CannotCheck(f"the load generator did not run: {outcome['error']}")
    result = outcome["result"]
    answered = int(result["requests"]) - int(result["errors"])
    summary = (f"{taken} requests taken before the SIGTERM ({in_flight} of them in flight), {answered} answered "
               f"200; errors by kind: {result.get('errors_by_kind') or 'none'}")
    if not exited:
        raise Failure(f"{app} did not exit within {EXIT_WITHIN_S:g} s of SIGTERM", actual=summary, hint=hint,
                      evidence=tail)
    if answered < taken:
        raise Failure(f"requests were dropped when {app} got SIGTERM: {taken - answered} of the {taken} it "
                      "had taken were never answered 200",
                      expected=f"every request {app} had taken answered 200; later ones refused",
                      actual=summary, hint=hint, evidence=tail,
                      reproduce=f"harness bench http://127.0.0.1:$PORT{route} --rate {RATE} --duration 10s, and "
                                f"kill -TERM {app[4:]}'s pid while it runs")
    return Passed(f"no request dropped: {summary}; {result.get('requests', '?')} requests in all")
