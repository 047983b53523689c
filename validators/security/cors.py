"""CORS: only the Shelf web app's origin is granted, exactly, and never by reflection.

Probes after OWASP WSTG-CLNT-07 (testing CORS): a foreign origin, `null`,
look-alikes of the allowed origin (a suffix, a prefix, plain http), each as a simple
request and as a preflight, on a public and an authenticated route. `cors({origin: true})`
reflects all of them (credentials included); an unanchored RegExp reflects the suffix.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.params import Param
from harness.registry import CheckContext, check

from .account_setup import ME
from .stack_hint import in_stack

ALLOWED = "https://app.shelf.test"
PATHS = ("/v1/books", ME)
PREFLIGHT_METHOD = "DELETE"
PREFLIGHT_HEADERS = "authorization, content-type"
FIX = "Grant exactly one origin:"
FIX_NODE = ("cors({ origin: (origin, cb) => cb(null, origin === 'https://app.shelf.test'), credentials: true }). "
            "Never origin: true (it reflects every origin) and never '*' with credentials.")
FIX_JAVA = ("a CorsConfigurationSource whose CorsConfiguration has "
            "setAllowedOrigins(List.of(\"https://app.shelf.test\")) and setAllowCredentials(true), with .cors(...) in "
            "the filter chain (or a CorsFilter before your own filters: WebMvcConfigurer.addCorsMappings never "
            "reaches the 401 a filter answers). Never setAllowedOriginPatterns(\"*\") (it echoes back every origin) "
            "and never '*' with credentials.")


def lookalikes(allowed: str) -> list[str]:
    """Origins that a sloppy allowlist grants: a foreign one, null, and near misses of `allowed`."""
    parts = urlsplit(allowed)
    host = parts.hostname or ""
    return [
        "https://evil.example",
        "null",
        f"{parts.scheme}://{host}.evil.test",  # unanchored suffix match
        f"{parts.scheme}://evil{host.split('.', 1)[0]}.{host.split('.', 1)[-1]}",  # unanchored prefix
        f"http://{host}" if parts.scheme == "https" else f"https://{host}",  # wrong scheme
    ]


def _tokens(value: str | None) -> set[str]:
    return {t.strip().lower() for t in (value or "").split(",") if t.strip()}


def granted_problem(origin: str, headers: Mapping[str, str]) -> str | None:
    """What is wrong with the answer to the allowed origin, or None."""
    acao = headers.get("access-control-allow-origin")
    if acao is None:
        return f"no Access-Control-Allow-Origin: the browser app at {origin} cannot read the answer"
    if acao.strip() == "*":
        return "Access-Control-Allow-Origin: * grants every origin, not only the Shelf app"
    if acao.strip() != origin:
        return f"Access-Control-Allow-Origin is {acao!r}, not the requesting origin {origin!r}"
    vary = _tokens(headers.get("vary"))
    if "origin" not in vary and "*" not in vary:
        return ("the origin is echoed without Vary: Origin, so a shared cache may serve this answer "
                "to another origin")
    return None


def refused_problem(origin: str, headers: Mapping[str, str]) -> str | None:
    """What a foreign origin was granted, or None when it was refused."""
    acao = (headers.get("access-control-allow-origin") or "").strip()
    credentials = (headers.get("access-control-allow-credentials") or "").strip().lower() == "true"
    with_credentials = " with Access-Control-Allow-Credentials: true" if credentials else ""
    if acao == "*":
        return "Access-Control-Allow-Origin: * grants every origin" + with_credentials
    if acao and acao.lower() == origin.lower():
        return f"the origin {origin!r} is reflected in Access-Control-Allow-Origin{with_credentials}"
    return None


def preflight_problem(headers: Mapping[str, str], method: str = PREFLIGHT_METHOD) -> str | None:
    """For the allowed origin's preflight: the method and the Authorization header are allowed."""
    methods = _tokens(headers.get("access-control-allow-methods"))
    if methods and method.lower() not in methods and "*" not in methods:
        return f"Access-Control-Allow-Methods ({', '.join(sorted(methods))}) does not allow {method}"
    allowed = _tokens(headers.get("access-control-allow-headers"))
    # A '*' never covers Authorization (Fetch standard): it must be listed by name.
    if "authorization" not in allowed:
        return ("Access-Control-Allow-Headers does not list Authorization, so the app cannot send its "
                "bearer token cross-origin ('*' does not cover Authorization)")
    return None


def _probe(ctx: CheckContext, path: str, origin: str, preflight: bool) -> httpx.Response:
    if preflight:
        return ctx.http.options(path, headers={"origin": origin, "access-control-request-method": PREFLIGHT_METHOD,
                                               "access-control-request-headers": PREFLIGHT_HEADERS})
    return ctx.http.get(path, headers={"origin": origin})


def _fail(ctx: CheckContext, response: httpx.Response, message: str, expected: str) -> Failure:
    return Failure(message, expected=expected, actual=describe(response) + _cors_headers(response),
                   hint=in_stack(ctx, FIX, node=FIX_NODE, java=FIX_JAVA), reproduce=curl_for(response.request))


def _cors_headers(response: httpx.Response) -> str:
    shown = [f"{k}: {v}" for k, v in response.headers.items() if k.lower().startswith("access-control-")
             or k.lower() == "vary"]
    return ("\n" + "\n".join(shown)) if shown else "\n(no CORS headers)"


@check("security.cors.allow_list", points=2, params=[
    Param("allowed_origin", str, ALLOWED, "the one origin CORS must grant")])
def only_the_shelf_origin_is_granted(ctx: CheckContext) -> None:
    """CORS grants https://app.shelf.test exactly, and no other origin.

    The allowed origin must get Access-Control-Allow-Origin equal to itself with Vary: Origin,
    and its preflight must allow DELETE and the Authorization header. A foreign origin, `null`
    and look-alikes (https://app.shelf.test.evil.test, https://evilapp.shelf.test,
    http://app.shelf.test) must get no grant, on simple requests and preflights, on a public
    and an authenticated route; '*' never goes with credentials.
    """
    allowed: str = ctx.param("allowed_origin")
    for path in PATHS:
        response = _probe(ctx, path, allowed, preflight=False)
        problem = granted_problem(allowed, response.headers)
        if problem:
            raise _fail(ctx, response, f"GET {path} from {allowed}: {problem}",
                        expected=f"Access-Control-Allow-Origin: {allowed} and Vary: Origin")
    response = _probe(ctx, "/v1/books", allowed, preflight=True)
    problem = granted_problem(allowed, response.headers) or preflight_problem(response.headers)
    if problem or response.status_code >= 400:
        raise _fail(ctx, response, f"the preflight from {allowed} is not granted: "
                    f"{problem or f'it answered {response.status_code}'}",
                    expected=f"2xx with Access-Control-Allow-Origin: {allowed}, Allow-Methods including "
                             f"{PREFLIGHT_METHOD}, Allow-Headers including Authorization")
    for origin in lookalikes(allowed):
        for path in PATHS:
            for preflight in (False, True):
                response = _probe(ctx, path, origin, preflight)
                problem = refused_problem(origin, response.headers)
                if problem:
                    kind = "a preflight (OPTIONS)" if preflight else "GET"
                    raise _fail(ctx, response, f"{kind} {path} from {origin}: {problem}",
                                expected=f"no Access-Control-Allow-Origin for {origin} (only {allowed} is granted)")
