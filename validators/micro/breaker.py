"""A circuit breaker: the gateway stops calling a dead service, and calls it again once it is back."""

from __future__ import annotations

import time

import httpx

from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.proc.named import NamedProcess
from harness.registry import CheckContext, check

from .shared import PARAMS, calls, dependency, ensure_running, start_again, wait_until

# The lab's contract: the circuit opens after at most OPEN_AFTER failed calls in a row, stays
# open at least a second (_stays_open: CONFIRM requests back to back, then one every PAUSE_S),
# and tries the service again at most 3 s after it opened: CLOSE_WITHIN_S from the service's return.
# A failed call is counted per gateway request that called the service: an HTTP client may send
# a request that got no answer a second time by itself (the JDK's HttpClient, under Spring's
# RestClient, retries an idempotent one once), which the breaker around the client sees as one
# failure.
OPEN_AFTER = 5
MAX_REQUESTS = 12
CONFIRM = 5
CLOSE_WITHIN_S = 5.0
# The contract's "at least 1 s" open.
OPEN_S = 1.0
PAUSE_S = 0.05


def _stays_open(ctx: CheckContext, named: NamedProcess, route: str, start: int, made: int, last_call_sent: float,
                statuses: list[int], hint: str) -> None:
    """No call for a second after the circuit opened: CONFIRM requests back to back, each answered
    503 at once, then one every PAUSE_S until a second has passed.

    The circuit opened after the last failed call, itself after that call's request was sent
    (`last_call_sent`). A call the harness has seen by a moment within OPEN_S of that send was
    made less than OPEN_S after the circuit opened: too early, however slowly the machine runs.
    A call seen only later may be the trial call after a full second (a request delayed on a busy
    machine reaches the gateway late): it proves nothing, and the circuit is judged by what came
    before it."""
    until = last_call_sent + OPEN_S
    sent = 0
    while True:
        response = ctx.http.get(route)
        statuses.append(response.status_code)
        sent += 1
        back_to_back = sent <= CONFIRM
        if back_to_back and response.status_code != 503:
            raise Failure(f"with the circuit open, GET {route} answered {response.status_code}",
                          expected="503 at once, without calling the service", actual=f"statuses: {statuses}",
                          hint=hint, reproduce=curl_for(response.request))
        called = len(calls(named, start)) - made
        seen_by = time.monotonic()  # after reading the calls: each was made before this moment
        if called and seen_by < until:
            early = seen_by - last_call_sent
            if back_to_back:
                raise Failure(f"the circuit did not stay open: {called} of the {sent} requests sent right after it "
                              f"opened called the {named.name} service again",
                              expected="an open circuit for at least a second, then one trial call",
                              actual=f"statuses: {statuses}", hint=hint, reproduce=curl_for(response.request))
            raise Failure(f"the circuit did not stay open a second: the gateway called the {named.name} service "
                          f"again within {early:.2f} s of the request of its last failed call",
                          expected=f"an open circuit for at least {OPEN_S:g} s, then one trial call",
                          actual=f"statuses: {statuses}", hint=hint, reproduce=curl_for(response.request))
        if called or (seen_by >= until and not back_to_back):
            return
        if not back_to_back or sent == CONFIRM:
            time.sleep(PAUSE_S)


@check("micro.breaker.opens_and_closes", points=3, params=PARAMS)
def breaker_opens_and_closes(ctx: CheckContext) -> None:
    """The gateway's circuit breaker opens fast when the service dies and closes when it returns.

    The harness kills the service (SIGKILL): within 5 failed calls the gateway stops calling it
    and answers 503 at once; the harness starts the service again, and the gateway answers 200
    again within seconds, without being restarted.
    """
    named, route = dependency(ctx, str(ctx.param("dependency"))), str(ctx.param("route"))
    hint = ctx.hint(
        f"Wrap the calls to the {named.name} service in a circuit breaker: count failed calls (errors, "
        "timeouts, 5xx), open after a few in a row and answer 503 without calling, then let one trial call "
        "through after a second or two and close on its success.",
        node="opossum judges a percentage of a rolling window, where earlier successes dilute the failures: "
             "new CircuitBreaker(fn, { errorThresholdPercentage: 1, volumeThreshold: 3, resetTimeout: 1000 }); or "
             "a small class of your own that counts failures in a row.",
        java="One Resilience4j CircuitBreaker bean for every request; its defaults (minimumNumberOfCalls 100) never "
             "open within 5 calls: slidingWindowSize(5), minimumNumberOfCalls(3), waitDurationInOpenState(1s), "
             "permittedNumberOfCallsInHalfOpenState(1).")
    before = ctx.http.get(route)
    if before.status_code != 200:
        raise Failure(f"GET {route} answered {before.status_code} while the {named.name} service was up",
                      expected="200", hint=f"Answer {route} from the {named.name} service.",
                      reproduce=curl_for(before.request))
    try:
        named.kill()
        start, statuses = len(named.proxy.seen()), []
        opened = False
        calling = 0  # the requests that called the service (once, or again by the client's own retry)
        last_call_sent = time.monotonic()  # when the last request that called the service was sent
        response: httpx.Response = before
        for _ in range(MAX_REQUESTS):
            made = len(calls(named, start))
            sent_at = time.monotonic()
            response = ctx.http.get(route)
            statuses.append(response.status_code)
            if response.status_code != 503:
                raise Failure(f"GET {route} answered {response.status_code} while the {named.name} service was "
                              "down", expected="503: the service is unavailable (whatever the failure: a refused "
                              "connection, a timeout, a 5xx)", actual=f"statuses: {statuses}",
                              hint=hint, reproduce=curl_for(response.request))
            kind = response.headers.get("content-type", "").split(";")[0].strip()
            if kind != "application/problem+json":
                raise Failure(f"GET {route} answered 503 as {kind or 'no content type'} while the {named.name} "
                              "service was down", expected="503 with an application/problem+json body (the "
                              "contract's error shape)", actual=f"content-type: {kind or '(none)'}", hint=hint,
                              reproduce=curl_for(response.request))
            if len(calls(named, start)) == made:
                opened = True
                break
            calling += 1
            last_call_sent = sent_at
        failed = len(calls(named, start))
        if not opened or calling > OPEN_AFTER:
            raise Failure(f"the circuit did not open: with the {named.name} service dead, {calling} of "
                          f"{len(statuses)} requests called it ({failed} calls in all)",
                          expected=f"no more calls after at most {OPEN_AFTER} requests whose calls failed in a row",
                          actual=f"statuses: {statuses}", hint=hint, reproduce=curl_for(response.request))
        made = len(calls(named, start))
        _stays_open(ctx, named, route, start, made, last_call_sent, statuses, hint)
        start_again(named)
        last: list[int] = []

        def answers() -> bool:
            last[:] = [ctx.http.get(route).status_code]
            return last[0] == 200

        if not wait_until(answers, CLOSE_WITHIN_S):
            raise Failure(f"the circuit did not close: {CLOSE_WITHIN_S:g} s after the {named.name} service was back, "
                          f"GET {route} still answered {last[0] if last else 'nothing'}",
                          expected="200 once a trial call (at most 3 s after the circuit opened) succeeds",
                          hint=hint, reproduce=curl_for(before.request))
    finally:
        ensure_running(named)
        # A check that failed midway leaves the circuit open: give it its trial call now, so that
        # the next check does not meet an open circuit this one left (a verdict of its own).
        wait_until(lambda: _answers_ok(ctx, route), CLOSE_WITHIN_S)


def _answers_ok(ctx: CheckContext, route: str) -> bool:
    try:
        return ctx.http.get(route).status_code == 200
    except httpx.HTTPError:
        return False
