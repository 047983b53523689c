"""CORS as an allow-list: the two origins of the lab are granted exactly (echoed, with Vary: Origin),
their preflights get the allowed methods and headers, and every other origin gets no grant."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..security.cors import granted_problem, lookalikes, refused_problem

ALLOWED = ("https://app.example.test", "http://localhost:5173")
# Near misses of the allow-list: another port of the same host counts as another origin.
FOREIGN = (*lookalikes(ALLOWED[0]), "http://localhost:5174", "http://127.0.0.1:5173")
PATH = "/items"
SIMPLE = "/health"
METHODS = ("GET", "POST")
HEADERS = ("content-type", "x-request-id")
HINT = ("Grant only the listed origins: cors({ origin: (origin, cb) => cb(null, allowed.has(origin)), methods: "
        "['GET', 'POST'], allowedHeaders: ['Content-Type', 'X-Request-Id'] }) with allowed = new Set([...]) "
        "(Fastify: @fastify/cors with the same options). Never origin: true or '*', and compare whole origins, "
        "not substrings.")


def _tokens(value: str | None) -> set[str]:
    return {t.strip().lower() for t in (value or "").split(",") if t.strip()}


def preflight_problem(headers: Mapping[str, str]) -> str | None:
    """For an allowed origin's preflight: the lab's methods and request headers are allowed."""
    methods = _tokens(headers.get("access-control-allow-methods"))
    missing = [m for m in METHODS if m.lower() not in methods] if "*" not in methods else []
    if missing:
        return f"Access-Control-Allow-Methods is {headers.get('access-control-allow-methods')!r}, without {missing[0]}"
    allowed = _tokens(headers.get("access-control-allow-headers"))
    absent = [h for h in HEADERS if h not in allowed] if "*" not in allowed else []
    if absent:
        return f"Access-Control-Allow-Headers is {headers.get('access-control-allow-headers')!r}, without {absent[0]}"
    return None


def _probe(ctx: CheckContext, origin: str, preflight: bool) -> httpx.Response:
    if preflight:
        return ctx.http.options(PATH, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": ", ".join(HEADERS)})
    return ctx.http.get(SIMPLE, headers={"Origin": origin})


def _fail(response: httpx.Response, message: str, expected: str) -> Failure:
    shown = [f"{k}: {v}" for k, v in response.headers.items()
             if k.lower().startswith("access-control-") or k.lower() == "vary"]
    listed = "\n".join(shown) or "(no CORS headers)"
    return Failure(message, expected=expected, actual=f"{describe(response)}\n{listed}", hint=HINT,
                   reproduce=curl_for(response.request))


@check("middleware.cors.allow_list", points=2, timeout_s=60)
def only_the_listed_origins_are_granted(ctx: CheckContext) -> None:
    """CORS grants https://app.example.test and http://localhost:5173 exactly, and no other origin.

    For each allowed origin, GET /health must answer Access-Control-Allow-Origin equal to it with
    Vary: Origin, and a preflight (OPTIONS /items asking for POST with Content-Type and
    X-Request-Id) must answer 2xx with the same grant, Allow-Methods holding GET and POST and
    Allow-Headers holding both headers. Foreign origins (https://evil.example, null, look-alikes
    of app.example.test, localhost on another port, 127.0.0.1) get no Access-Control-Allow-Origin.
    """
    for origin in ALLOWED:
        response = _probe(ctx, origin, preflight=False)
        problem = granted_problem(origin, response.headers)
        if problem:
            raise _fail(response, f"GET {SIMPLE} from {origin}: {problem}",
                        expected=f"Access-Control-Allow-Origin: {origin} and Vary: Origin")
        response = _probe(ctx, origin, preflight=True)
        problem = granted_problem(origin, response.headers) or preflight_problem(response.headers)
        if problem or not response.is_success:
            raise _fail(response, f"the preflight from {origin} is not granted: "
                                  f"{problem or f'it answered {response.status_code}'}",
                        expected=f"2xx, Access-Control-Allow-Origin: {origin}, Allow-Methods with GET and POST, "
                                 "Allow-Headers with Content-Type and X-Request-Id")
    for origin in FOREIGN:
        for preflight in (False, True):
            response = _probe(ctx, origin, preflight)
            problem = refused_problem(origin, response.headers)
            if problem:
                kind = f"a preflight (OPTIONS {PATH})" if preflight else f"GET {SIMPLE}"
                raise _fail(response, f"{kind} from {origin}: {problem}",
                            expected=f"no Access-Control-Allow-Origin for {origin} (only {' and '.join(ALLOWED)})")
