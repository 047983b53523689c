"""Request ids: a valid X-Request-Id from the client is kept, any other is replaced by one the
app makes, the answer carries it, and the app's log line for the request holds it."""

from __future__ import annotations

import re

import httpx

from harness import expect
from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .plain_http import wait_for_log

VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")
PATH = "/health"
HINT = ("Add a middleware first in the chain: take X-Request-Id when it is 1-64 characters of A-Z a-z 0-9 . _ -, "
        "else make one (crypto.randomUUID()); set it on the answer (res.set('X-Request-Id', id)) and write it in "
        "the one log line of the request (res.on('finish', ...)). Fastify: genReqId and requestIdHeader.")


def valid_request_id(value: str | None) -> bool:
    return value is not None and VALID.fullmatch(value) is not None


def _get(ctx: CheckContext, sent: str | None) -> httpx.Response:
    response = ctx.http.get(PATH, headers={"X-Request-Id": sent} if sent is not None else None)
    expect.status(response, 200, what=f"GET {PATH}")
    return response


def _logged(ctx: CheckContext, response: httpx.Response, request_id: str, what: str) -> None:
    if wait_for_log(ctx, request_id) is None:
        raise Failure(f"no line of the app's output holds the request id of GET {PATH} ({what})",
                      expected=f"a log line for the request with {request_id}",
                      actual="\n".join(ctx.app.log_tail(5).splitlines()) or "(no output)",
                      hint=HINT, reproduce=curl_for(response.request))


@check("middleware.request_id.echoed_and_logged", points=2, timeout_s=60)
def request_ids_are_echoed_generated_and_logged(ctx: CheckContext) -> None:
    """A valid X-Request-Id is echoed, a missing or invalid one replaced by a new one, and each is in the log.

    GET /health with a valid X-Request-Id must answer the same id, and so must an unknown path's
    404; without one, two requests must
    get two different valid ids; with an invalid one (a space and <, or 65 characters) the answer
    must carry a valid id of the app's instead. The app's output must hold a line with each id
    answered, within a few seconds.
    """
    sent = ctx.unique("req")
    response = _get(ctx, sent)
    if response.headers.get("x-request-id") != sent:
        raise expect.fail(response, f"GET {PATH} with X-Request-Id: {sent} does not answer that id",
                          expected=f"X-Request-Id: {sent}", hint=HINT)
    _logged(ctx, response, sent, "the client's id")
    # An error answer too: an id set by a later middleware, or only on the happy path, is missing
    # exactly where a client needs it to report the failure.
    failing, path = ctx.unique("req"), f"/{ctx.unique('nothing')}"
    response = ctx.http.get(path, headers={"x-request-id": failing})
    if response.headers.get("x-request-id") != failing:
        raise expect.fail(response, f"GET {path} (an unknown path, {response.status_code}) with X-Request-Id: "
                          f"{failing} does not answer that id", expected=f"X-Request-Id: {failing} on the error "
                          "answer too", hint=HINT)
    made = []
    for _ in range(2):
        response = _get(ctx, None)
        got = response.headers.get("x-request-id")
        if not valid_request_id(got):
            raise expect.fail(response, f"GET {PATH} without X-Request-Id gets no valid id of the app's",
                              expected="X-Request-Id: <1-64 characters of A-Z a-z 0-9 . _ ->", hint=HINT)
        assert got is not None
        made.append(got)
    if made[0] == made[1]:
        raise expect.fail(response, f"two requests without X-Request-Id both got {made[0]}",
                          expected="a new id for each request", hint=HINT)
    _logged(ctx, response, made[1], "an id the app made")
    for bad in (f"{ctx.unique('req')} <b>", ctx.unique("req").ljust(65, "x")):
        response = _get(ctx, bad)
        got = response.headers.get("x-request-id")
        if got == bad or not valid_request_id(got):
            raise expect.fail(response, f"GET {PATH} with the invalid X-Request-Id {bad!r} answers {got!r}",
                              expected="a valid id of the app's in place of the invalid one (never copy arbitrary "
                                       "text into answers and logs)", hint=HINT)
        assert got is not None
        _logged(ctx, response, got, "the id that replaced an invalid one")
