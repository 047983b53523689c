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


# The check's own traffic: enough request lines that a stray line or two (a runtime's warning)
# stays under the 10% a log may hold that is not JSON, and always the same count, so that the
# verdict is the same whether the check runs alone (--only) or after the others.
REQUESTS = 20
SHARE = 0.9
UNKNOWN_BOOK = "/v1/books/987654321"


@check("prod.logging.structured", points=2)
def errors_are_handled_and_logged_as_json(ctx: CheckContext) -> None:
    """Errors are handled (problem+json) and logged as structured JSON lines with the request id.

    A failing request sent with X-Request-Id gets a problem+json answer and the id back, and
    one sent without gets an id of the app's; the app's log holds a JSON line for each with that
    id and a level. Of the lines the app printed while it started and while the check's requests
    ran (the same lines however many checks ran before), at least 90% are JSON objects.
    """
    mark = ctx.app.log_mark()
    request_id = ctx.unique("req")
    response = ctx.http.get(UNKNOWN_BOOK, headers={"x-request-id": request_id})
    expect.problem_json(response, what="GET /v1/books/{unknown id}", status_code=404)
    if response.headers.get("x-request-id") != request_id:
        raise expect.fail(response, "the response does not carry the request's X-Request-Id",
                          expected=f"X-Request-Id: {request_id}",
                          hint="Take X-Request-Id from the request (or generate one), put it on the response "
                               "and on every log line of that request (pino-http's genReqId, for example).")
    anonymous = ctx.http.get(UNKNOWN_BOOK)
    generated = anonymous.headers.get("x-request-id", "").strip()
    if not generated:
        raise expect.fail(anonymous, "a request sent without X-Request-Id gets none back",
                          expected="X-Request-Id: an id the app made for the request (a UUID, say)",
                          hint="When the request brings no X-Request-Id, make one (crypto.randomUUID(), uuid4()) "
                               "and use it as the request's own: on the response and on its log lines.")
    for _ in range(REQUESTS - 2):
        ctx.http.get(UNKNOWN_BOOK, headers={"x-request-id": ctx.unique("req")})
    # The app writes the lines as (or after) it answers, and the harness reads them from a pipe:
    # give them a moment to arrive before calling one missing.
    deadline = time.monotonic() + LOG_WAIT_S
    while True:
        logs, other = _json_lines("\n".join(ctx.app.startup_log() + ctx.app.log_since(mark)))
        sent = [line for line in logs if request_id in json.dumps(line)]
        made = [line for line in logs if generated in json.dumps(line)]
        if (sent and made) or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    for found, rid, what in ((sent, request_id, response), (made, generated, anonymous)):
        if not found:
            raise Failure(
                "no JSON log line carries the request id" + ("" if rid == request_id else " the app made"),
                expected=f"a JSON log line with \"{rid}\" for GET {UNKNOWN_BOOK}",
                actual="\n".join(ctx.app.log_tail(5).splitlines()) or "(no output)",
                hint="Log one JSON object per request with its id, method, path, status and duration.",
                reproduce=curl_for(what.request),
            )
        if not any(key in found[-1] for key in ("level", "severity", "lvl")):
            raise Failure("the request's log line has no level", expected="a level field (info, warn, error)",
                          actual=json.dumps(found[-1])[:300], reproduce=curl_for(what.request))
    total = len(logs) + len(other)
    if total and len(logs) / total < SHARE:
        raise Failure(
            f"only {len(logs)} of the {total} lines your app printed while it started and while this check's "
            f"{REQUESTS} requests ran are JSON objects",
            expected=f"at least {SHARE:.0%} of them JSON (one object per line)",
            actual="\n".join(other[:3]),
            hint="Route every log through one JSON logger (pino, structlog, logback's JSON encoder), "
                 "including startup and errors.",
            # The lines counted are the app's own output from its start: a run of this check
            # alone shows them in its log.
            reproduce=f"harness check {ctx.lab_id or '<this lab>'} --only prod.logging.structured --debug",
        )
