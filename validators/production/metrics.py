"""Observability, its metrics: request counters a Prometheus scraper can read at /metrics."""

from __future__ import annotations

from harness import expect
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .prometheus import ExpositionError, parse, request_counters

PROBES = 25


def _scrape(ctx: CheckContext) -> dict[str, float]:
    response = ctx.http.get("/metrics")
    expect.status(response, 200, what="GET /metrics",
                  hint="Expose Prometheus metrics at /metrics (prom-client in Node, "
                       "prometheus-fastapi-instrumentator or prometheus_client in Python, Micrometer in Java).")
    ctype = response.headers.get("content-type", "")
    if not (ctype.startswith("text/plain") or "openmetrics" in ctype):
        raise expect.fail(response, "GET /metrics is not in the Prometheus text format",
                          expected="Content-Type: text/plain; version=0.0.4 (or application/openmetrics-text)")
    try:
        samples = parse(response.text)
    except ExpositionError as exc:
        raise expect.fail(response, f"GET /metrics does not parse: {exc}",
                          expected="the Prometheus text exposition format") from None
    counters = request_counters(samples)
    if not counters:
        raise expect.fail(response, "GET /metrics has no counter of HTTP requests",
                          expected="e.g. http_requests_total{method,route,status} or "
                                   "http_request_duration_seconds (a histogram: its _count counts requests)",
                          hint="Count every request in a middleware, labelled by method, route and status.")
    return counters


@check("prod.metrics.exposed", points=2)
def performance_metrics_are_exposed(ctx: CheckContext) -> None:
    """Performance metrics are exposed for a scraper (Prometheus /metrics).

    GET /metrics answers in the Prometheus text format, with a counter (or histogram) of
    HTTP requests that grows by at least the number of requests the harness sends.
    """
    before = _scrape(ctx)
    for _ in range(PROBES):
        ctx.http.get("/v1/books", params={"limit": 1})
    after = _scrape(ctx)
    grown = {name: after.get(name, 0.0) - before.get(name, 0.0) for name in after}
    if not any(delta >= PROBES for delta in grown.values()):
        raise Failure(
            f"the request metrics did not count the {PROBES} requests the harness sent",
            expected=f"a request counter that grows by at least {PROBES}",
            actual=", ".join(f"{name} +{delta:g}" for name, delta in sorted(grown.items())),
            hint="Increment the counter for every request (a middleware before the routes), not once at start.",
            reproduce="curl -s \"http://localhost:$PORT/metrics\" | grep -i request",
        )
