"""Security headers on every kind of answer the chain gives: a route's, a static file's, a 404
and a 500 from the error handler (the security area's rules, security/headers.py)."""

from __future__ import annotations

from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..security.headers import header_problems

HINT = ("Put helmet first in the chain, app.use(helmet()) (Fastify: @fastify/helmet): it sets nosniff, "
        "X-Frame-Options and CSP frame-ancestors, Referrer-Policy and a CSP, and removes X-Powered-By. Middleware "
        "placed after the routes never runs for the answers they send.")


@check("middleware.headers.hardened", points=1, timeout_s=30)
def every_answer_carries_security_headers(ctx: CheckContext) -> None:
    """Every answer carries helmet's security headers, and none names the framework.

    GET /health (JSON), GET / (HTML), GET /assets/app.3f9a1c2e.js, an unknown path (404) and
    GET /boom (500): each must carry X-Content-Type-Options: nosniff, framing protection
    (X-Frame-Options DENY/SAMEORIGIN or CSP frame-ancestors), a strict Referrer-Policy, no
    X-Powered-By and no version in Server; the HTML page a Content-Security-Policy.
    """
    probes = ("/health", "/", "/assets/app.3f9a1c2e.js", f"/{ctx.unique('nowhere')}", "/boom")
    for path in probes:
        response = ctx.http.get(path)
        html = response.headers.get("content-type", "").split(";")[0].strip().lower() == "text/html"
        problems = header_problems(response.headers, html=html)
        if problems:
            raise Failure(
                f"GET {path} ({response.status_code}) lacks security headers: {problems[0]}",
                expected="X-Content-Type-Options: nosniff, X-Frame-Options or CSP frame-ancestors, "
                         "Referrer-Policy: no-referrer, no X-Powered-By (and a CSP on HTML)",
                actual=describe(response) + "\n" + "\n".join(f"- {p}" for p in problems),
                hint=HINT, reproduce=curl_for(response.request))
