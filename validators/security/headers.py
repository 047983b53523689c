"""Security headers: the Helmet-equivalent set on every kind of answer, and no fingerprint.

Grading follows the OWASP REST Security and HTTP Headers Cheat Sheets for JSON APIs: nosniff,
framing protection (CSP frame-ancestors or X-Frame-Options), a Referrer-Policy, no
X-Powered-By and no version in Server, `Cache-Control: no-store` on token answers
(RFC 6749 §5.1), and a Content-Security-Policy wherever HTML is served. HSTS is not
graded: the harness talks plain HTTP, where browsers ignore it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import httpx

from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .account_setup import LOGIN, ME, Accounts
from .stack_hint import in_stack

GOOD_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
KNOWN_REFERRER = GOOD_REFERRER | {"no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "unsafe-url"}
FIX_NODE = ("the Helmet middleware before your routes (app.use(helmet())): it sets nosniff, framing protection, "
            "Referrer-Policy and a CSP, and removes X-Powered-By.")
FIX_JAVA = ("a Referrer-Policy and a CSP to Spring Security's default headers (nosniff, X-Frame-Options): "
            ".headers(h -> h.referrerPolicy(r -> r.policy(ReferrerPolicy.NO_REFERRER)).contentSecurityPolicy(c -> "
            "c.policyDirectives(\"default-src 'none'; frame-ancestors 'none'\"))); never .headers(h -> h.disable()).")


def _directives(csp: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (csp or "").split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            out.setdefault(name.lower(), value.strip().lower())
    return out


def referrer_policy(value: str | None) -> str | None:
    """The policy a browser applies: the last token it knows (the header may list fallbacks)."""
    known = [t.strip().lower() for t in (value or "").split(",") if t.strip().lower() in KNOWN_REFERRER]
    return known[-1] if known else None


def header_problems(headers: Mapping[str, str], *, html: bool = False) -> list[str]:
    problems = []
    if (headers.get("x-content-type-options") or "").strip().lower() != "nosniff":
        problems.append("X-Content-Type-Options: nosniff is missing (browsers may sniff a JSON body as HTML)")
    ancestors = _directives(headers.get("content-security-policy")).get("frame-ancestors")
    xfo = (headers.get("x-frame-options") or "").strip().upper()
    if not (ancestors and "*" not in ancestors.split()) and xfo not in ("DENY", "SAMEORIGIN"):
        problems.append("no framing protection: neither CSP frame-ancestors nor X-Frame-Options DENY/SAMEORIGIN")
    policy = referrer_policy(headers.get("referrer-policy"))
    if policy not in GOOD_REFERRER:
        problems.append(f"Referrer-Policy is {policy or 'missing'}; expected no-referrer, same-origin or "
                        "strict-origin(-when-cross-origin)")
    if "x-powered-by" in {k.lower() for k in headers}:
        problems.append(f"X-Powered-By: {headers.get('x-powered-by')} tells attackers what to try")
    server = headers.get("server")
    if server and re.search(r"\d", server):
        problems.append(f"Server: {server} names a version")
    if html:
        directives = _directives(headers.get("content-security-policy"))
        if not directives:
            problems.append("an HTML answer without a Content-Security-Policy")
        elif "unsafe-eval" in directives.get("script-src", directives.get("default-src", "")):
            problems.append("the Content-Security-Policy allows 'unsafe-eval'")
    return problems


def no_store_problem(headers: Mapping[str, str]) -> str | None:
    directives = {d.strip().lower() for d in (headers.get("cache-control") or "").split(",")}
    if "no-store" not in directives:
        return f"Cache-Control is {headers.get('cache-control') or 'missing'}, not no-store"
    return None


def _is_html(response: httpx.Response) -> bool:
    return str(response.headers.get("content-type", "")).split(";")[0].strip().lower() == "text/html"


@check("security.headers.hardened", points=2)
def security_headers_are_set(ctx: CheckContext) -> None:
    """Every answer carries the Helmet-equivalent security headers, and none names the stack.

    A 200 (GET /health), a 401 (GET /v1/me without a token) and a 404 (an unknown route)
    must each carry X-Content-Type-Options: nosniff, framing protection (CSP
    frame-ancestors or X-Frame-Options), a strict Referrer-Policy, no X-Powered-By and no
    version in Server; an HTML answer needs a CSP; the login answer, which carries tokens,
    needs Cache-Control: no-store.
    """
    probes = [
        ("a 200", ctx.http.get("/health")),
        ("a 401", ctx.http.get(ME)),
        ("a 404", ctx.http.get(f"/v1/no-such-route-{ctx.run_id}")),
    ]
    for what, response in probes:
        problems = header_problems(response.headers, html=_is_html(response))
        if problems:
            raise Failure(
                f"{what} answer ({response.request.method} {response.request.url.path}) lacks security headers: "
                + problems[0],
                expected="X-Content-Type-Options: nosniff, X-Frame-Options or CSP frame-ancestors, "
                         "Referrer-Policy: no-referrer, no X-Powered-By",
                actual=describe(response) + "\n" + "\n".join(f"- {p}" for p in problems),
                hint=in_stack(ctx, "Add", node=FIX_NODE, java=FIX_JAVA),
                reproduce=curl_for(response.request),
            )
    accounts = Accounts(ctx)
    response = accounts.login(accounts.register()).response
    problem = no_store_problem(response.headers)
    if problem:
        raise Failure(
            f"POST {LOGIN} returns tokens that a cache may keep: {problem}",
            expected="Cache-Control: no-store on answers that carry tokens (RFC 6749 §5.1)",
            actual=describe(response), reproduce=curl_for(response.request),
            hint=in_stack(ctx, "Set", node="res.set('Cache-Control', 'no-store') on the auth routes (login, refresh).",
                          java="Cache-Control: no-store on the answers of login and refresh: "
                               "ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(tokens)."),
        )
