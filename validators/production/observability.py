"""Observability: metrics a scraper can read, and logs a machine can read."""

from __future__ import annotations

import json
import time
from typing import Any

from harness import expect
from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .prometheus import ExpositionError, parse, request_counters

PROBES = 25
LOG_WAIT_S = 3.0


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


def _json_lines(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The log's JSON objects, and the lines that are not JSON objects."""
    parsed: list[dict[str, Any]] = []
    other: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("… ("):  # the log buffer's own "lines not kept" marker
            continue
        try:
            value = json.loads(line)
        except ValueError:
            value = None
        if isinstance(value, dict):
            parsed.append(value)
        else:
            other.append(line)
    return parsed, other


@check("prod.logging.structured", points=2)
def errors_are_handled_and_logged_as_json(ctx: CheckContext) -> None:
    """Errors are handled (problem+json) and logged as structured JSON lines with the request id.

    A failing request sent with X-Request-Id gets a problem+json answer and the id back,
    and the app's log holds a JSON line for it with that id and a level; at least 90% of
    the app's log lines are JSON objects.
    """
    request_id = ctx.unique("req")
    response = ctx.http.get("/v1/books/987654321", headers={"x-request-id": request_id})
    expect.problem_json(response, what="GET /v1/books/{unknown id}", status_code=404)
    if response.headers.get("x-request-id") != request_id:
        raise expect.fail(response, "the response does not carry the request's X-Request-Id",
                          expected=f"X-Request-Id: {request_id}",
                          hint="Take X-Request-Id from the request (or generate one), put it on the response "
                               "and on every log line of that request (pino-http's genReqId, for example).")
    # The app writes the line as (or after) it answers, and the harness reads it from a pipe:
    # give it a moment to arrive before calling it missing.
    deadline = time.monotonic() + LOG_WAIT_S
    while True:
        logs, other = _json_lines(ctx.app.log_tail(400))
        mentioning = [line for line in logs if request_id in json.dumps(line)]
        if mentioning or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    if not mentioning:
        raise Failure(
            "no JSON log line carries the request id",
            expected=f"a JSON log line with \"{request_id}\" for GET /v1/books/987654321",
            actual="\n".join(ctx.app.log_tail(5).splitlines()) or "(no output)",
            hint="Log one JSON object per request with its id, method, path, status and duration.",
            reproduce=curl_for(response.request),
        )
    line = mentioning[-1]
    if not any(key in line for key in ("level", "severity", "lvl")):
        raise Failure("the request's log line has no level", expected="a level field (info, warn, error)",
                      actual=json.dumps(line)[:300], reproduce=curl_for(response.request))
    total = len(logs) + len(other)
    if total and len(logs) / total < 0.9:
        raise Failure(
            f"only {len(logs)} of {total} log lines are JSON objects",
            expected="at least 90% of the log lines as JSON (one object per line)",
            actual="\n".join(other[:3]),
            hint="Route every log through one JSON logger (pino, structlog, logback's JSON encoder), "
                 "including startup and errors.",
        )
