"""Liveness and readiness: two questions, two answers."""

from __future__ import annotations

import httpx

from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.params import Param
from harness.registry import CheckContext, check

from .shared import DEPENDENCY, caller, ensure_running, start_again, upstream, wait_until

# How long a readiness probe may take to notice (the lab's contract: it asks the service now).
NOTICE_WITHIN_S = 5.0


@check("micro.health.ready_vs_live", points=2, params=[
    DEPENDENCY,
    Param("live", str, "/health/live", "the liveness route: 200 while the process works"),
    Param("ready", str, "/health/ready", "the readiness route: 200 only while it can serve"),
])
def readiness_is_not_liveness(ctx: CheckContext) -> None:
    """Readiness follows the service the app needs; liveness does not.

    With the service up both answer 200. With the service killed, readiness turns 503 within
    seconds while liveness stays 200 (a restart would not help), and readiness is 200 again once
    the service is back. With `dependency = "postgres"` the service is the app's database: it
    refuses the app's new connections and ends its open ones, then lets it connect again.
    """
    named = upstream(ctx, str(ctx.param("dependency")))
    app = caller(named)
    live, ready = str(ctx.param("live")), str(ctx.param("ready"))
    asking = (f"run a query on {named.name} (SELECT 1, a short connect timeout) and answer 503 when it fails"
              if app == "the app" else
              f"ask the {named.name} service (its health route, a short timeout) and answer 503 when it does not "
              "answer")
    hint = ctx.hint(
        f"Liveness ({live}) says the process works: answer 200 whatever the {named.name} service does, or an "
        f"orchestrator restarts a healthy {app[4:]}. Readiness ({ready}) says it can serve: {asking}.",
        python="Two routes: live returns 200 at once; ready runs SELECT 1 through the engine in a try and returns "
               "JSONResponse(status_code=503) on SQLAlchemyError (create_engine(..., pool_pre_ping=True, "
               "connect_args={'connect_timeout': 2}): a pooled connection the server ended is replaced, not reused).",
        java="Two @GetMapping routes of your own, or Actuator's health groups named after the routes: "
             "management.endpoints.web.base-path=/, management.endpoint.health.probes.enabled=true, "
             "management.endpoint.health.group.live.include=livenessState and ...group.ready.include="
             "readinessState,catalog with a HealthIndicator bean named catalog.")
    # Both 200 with the service up, waited for like the states below: one answer cut short by a busy
    # moment (a readiness call to the service with a short timeout of its own) is not a verdict.
    answered: dict[str, httpx.Response] = {}

    def both_up() -> bool:
        for path in (live, ready):
            answered[path] = ctx.http.get(path)
            if answered[path].status_code != 200:
                return False
        return True

    if not wait_until(both_up, NOTICE_WITHIN_S):
        path, response = next((p, r) for p, r in answered.items() if r.status_code != 200)
        raise Failure(f"GET {path} answered {response.status_code} with the {named.name} service up",
                      expected="200", hint=hint, reproduce=curl_for(response.request))
    seen: dict[str, int] = {}

    def probe(path: str) -> int:
        status = ctx.http.get(path).status_code
        seen[path] = status
        if path == live and status != 200:
            raise Failure(f"GET {live} answered {status} while only the {named.name} service was down",
                          expected=f"200: {app} itself works", hint=hint,
                          reproduce=f"curl -i http://127.0.0.1:$PORT{live}")
        return status

    try:
        named.kill()
        if not wait_until(lambda: probe(live) == 200 and probe(ready) != 200, NOTICE_WITHIN_S):
            raise Failure(f"GET {ready} still answered {seen.get(ready)} {NOTICE_WITHIN_S:g} s after the "
                          f"{named.name} service died", expected="503: not ready, the service it needs is gone",
                          hint=hint, reproduce=f"curl -i http://127.0.0.1:$PORT{ready}")
        if seen[ready] != 503:
            raise Failure(f"GET {ready} answered {seen[ready]} with the {named.name} service down",
                          expected="503", hint=hint, reproduce=f"curl -i http://127.0.0.1:$PORT{ready}")
        if not ctx.app.alive():
            raise Failure(f"{app} exited when the {named.name} service died",
                          evidence=ctx.app.log_tail(15),
                          hint="A dependency that is down is an answer (503), not a reason to exit.")
        start_again(named)
        if not wait_until(lambda: probe(ready) == 200, NOTICE_WITHIN_S):
            raise Failure(f"GET {ready} still answered {seen.get(ready)} {NOTICE_WITHIN_S:g} s after the "
                          f"{named.name} service was back", expected="200 again", hint=hint,
                          reproduce=f"curl -i http://127.0.0.1:$PORT{ready}")
    finally:
        ensure_running(named)
