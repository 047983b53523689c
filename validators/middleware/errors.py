"""The error handler: every error is answered as JSON with its own status, and a 5xx tells the
client nothing of the server (no stack trace, no file path)."""

from __future__ import annotations

import json

import httpx

from harness import expect
from harness.registry import CheckContext, check

from .plain_http import insides

HINT = ("End the chain with a 404 handler and one error handler (four arguments in Express, setErrorHandler in "
        "Fastify): answer err.status (or err.statusCode) when it is a 4xx or 5xx, else 500, with "
        "res.status(status).json({ error: message }). For a 5xx the message is a fixed text: err.message and "
        "err.stack go to the log, never to the client.")


def _problem(response: httpx.Response, status: int, project_dir: str) -> str | None:
    """What is wrong with one error answer, or None."""
    if response.status_code != status:
        return f"the status is {response.status_code}, not {status}"
    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in ("application/json", "application/problem+json"):
        return f"the body is {ctype or 'of no declared type'}, not application/json"
    leaked = insides(response.text, project_dir)
    if leaked:
        return f"the body shows the server's insides: {leaked!r}"
    try:
        body = json.loads(response.text)
    except ValueError:
        return "the body is not JSON"
    if not isinstance(body, dict) or not isinstance(body.get("error"), str) or not body["error"]:
        return 'the body is not a JSON object with an "error" text'
    if "stack" in body:
        return 'the body has a "stack" field'
    return None


# Twice the lab's 16 KiB body limit: refused by the parser before any route.
OVERSIZED = 32 * 1024


@check("middleware.errors.json_handler", points=2, timeout_s=60)
def errors_answer_json_without_internals(ctx: CheckContext) -> None:
    """Every error answers JSON with its own status, and a 5xx shows no stack trace or server path.

    GET /boom (a route that throws) and GET /boom/async (a route whose promise rejects) must be
    500; POST /items with JSON that does not parse and with {} must be 400; GET /items/<unknown>
    and an unknown path must be 404. Each answer: Content-Type application/json, a JSON object
    with an "error" text, no stack frame, no source file path; the app keeps running. So must be
    the errors a body over the size limit and a body that is not JSON are answered with (their
    status is the size-limit check's).
    """
    unknown = ctx.unique("nothing")
    json_type = {"content-type": "application/json"}
    probes: list[tuple[str, str, str | None, int, str]] = [
        ("GET", "/boom", None, 500, "a route that throws"),
        ("GET", "/boom/async", None, 500, "an async route that rejects"),
        ("POST", "/items", '{"name": ', 400, "JSON that does not parse"),
        ("POST", "/items", "{}", 400, "an item without a name"),
        ("GET", f"/items/{unknown}", None, 404, "an item that does not exist"),
        ("GET", f"/{unknown}", None, 404, "a path no route serves"),
    ]
    for method, path, content, status, what in probes:
        response = ctx.http.request(method, path, content=content, headers=json_type if content else None)
        problem = _problem(response, status, str(ctx.app.project_dir))
        if problem:
            raise expect.fail(response, f"{method} {path} ({what}): {problem}",
                              expected=f'{status}, Content-Type: application/json, {{"error": "<a short text>"}}, '
                                       "nothing of the server's code or files", hint=HINT)
        if not ctx.app.alive():
            raise expect.fail(response, f"the app exited after {method} {path} ({what})",
                              expected="an error answered, the app still running", hint=HINT)
    # Errors whose status other checks judge (413: body.size_limit; 415 or 400 for a body that is not
    # JSON): their answers' shape is this check's, whatever status the app chose.
    oversized = json.dumps({"name": unknown, "note": "x" * OVERSIZED}).encode()
    for content_bytes, ctype, what in ((oversized, "application/json", "a JSON body over the size limit"),
                                       (b"name=harness", "text/plain", "a body that is not JSON (text/plain)")):
        response = ctx.http.request("POST", "/items", content=content_bytes, headers={"content-type": ctype})
        if response.status_code < 400:
            continue
        problem = _problem(response, response.status_code, str(ctx.app.project_dir))
        if problem:
            raise expect.fail(response, f"POST /items ({what}, answered {response.status_code}): {problem}",
                              expected=f'{response.status_code}, Content-Type: application/json, '
                                       '{"error": "<a short text>"}', hint=HINT)
