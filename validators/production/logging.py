"""Observability, its logs: errors answered as problem+json and logged as JSON lines a machine can read.

The module is named for its check's topic (prod.logging.*); the standard library's logging is
unaffected, as every import in the package is absolute or explicitly relative.
"""

from __future__ import annotations

import json
import time
from typing import Any

from harness import expect
from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.registry import CheckContext, check

LOG_WAIT_S = 3.0


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
