"""The harness as the browser and the user of an OAuth sign-in (validators/security/oauth.py).

The contract (the lab's README): GET /v1/auth/oauth/login answers a redirect (302, 303 or
307) to the provider's authorization endpoint; the provider (harness/services/oauth.py)
shows its login page, the "user" signs in, and the provider redirects to OAUTH_REDIRECT_URI
with a code and the state; GET on that callback answers 200 with the app's own tokens, as
POST /v1/auth/login does. Every step fails with what the app sent and what came back.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import httpx

from harness import expect, httpcap
from harness.httpclient import curl_for, describe, tls_context
from harness.outcomes import Failure
from harness.registry import CheckContext
from harness.services.oauth import LOGIN_REQUEST, User

from ..shelf import values

LOGIN_START = "/v1/auth/oauth/login"
START_HINT = ("GET /v1/auth/oauth/login must redirect (302) to the authorization_endpoint of "
              "$OAUTH_ISSUER/.well-known/openid-configuration with response_type=code, client_id, redirect_uri="
              "$OAUTH_REDIRECT_URI, scope=openid email profile, a state, and code_challenge + "
              "code_challenge_method=S256.")


@dataclass(frozen=True)
class Started:
    """The app's redirect to the provider, and the query it carries."""

    response: httpx.Response
    location: str
    params: dict[str, str]


@dataclass(frozen=True)
class Returned:
    """Where the provider sent the browser back: the callback's path and query on the app."""

    target: str  # path?query, to send to the app
    code: str
    state: str | None


def new_user(ctx: CheckContext, *, email: str | None = None, verified: bool = True) -> User:
    return User(sub=ctx.unique("idp-user"), email=email or values.email(ctx.unique, "oauth"),
                name=values.person_name(ctx.rng), email_verified=verified)


def start(ctx: CheckContext) -> Started:
    response = ctx.http.get(LOGIN_START)
    what = f"GET {LOGIN_START}"
    if response.status_code not in (302, 303, 307) or "location" not in response.headers:
        raise expect.fail(response, f"{what} did not redirect to the provider", expected="302 with a Location",
                          hint=START_HINT)
    location = response.headers["location"]
    endpoint = str(ctx.oauth.discovery()["authorization_endpoint"])
    if location.split("?", 1)[0] != endpoint:
        raise expect.fail(response, f"{what} redirects to {location.split('?', 1)[0]}, not to the provider's "
                          "authorization endpoint", expected=f"Location: {endpoint}?...", hint=START_HINT)
    return Started(response, location, dict(parse_qsl(urlsplit(location).query, keep_blank_values=True)))


def sign_in_at_provider(ctx: CheckContext, started: Started, user: User) -> Returned:
    """Open the app's authorization URL and log in as `user`: the callback the provider redirects to."""
    with httpcap.client(timeout=5.0, verify=tls_context()) as browser:
        page = browser.get(started.location)
        found = LOGIN_REQUEST.search(page.text) if page.status_code == 200 else None
        if found is None:
            refusal = ctx.oauth.authorizations[-1].error if ctx.oauth.authorizations else None
            raise Failure(
                "the provider refused the app's authorization request",
                expected="an authorization request the provider accepts (its login page)",
                actual=f"{refusal or describe(page)}\nthe app's redirect: {started.location}",
                hint=START_HINT, reproduce=curl_for(started.response.request))
        answer = browser.post(f"{ctx.oauth.issuer}/login", data={
            "request_id": found.group(1), "sub": user.sub, "email": user.email, "name": user.name,
            "email_verified": "true" if user.email_verified else "false"})
    url = urlsplit(answer.headers.get("location", ""))
    query = dict(parse_qsl(url.query, keep_blank_values=True))
    if "code" not in query:  # the provider's own login cannot fail for a page it just showed
        raise RuntimeError(f"the harness's provider did not issue a code: {answer.status_code} {answer.text[:200]}")
    return Returned(f"{url.path}?{url.query}", query["code"], query.get("state"))


def callback(ctx: CheckContext, target: str, cookies: httpx.Cookies | None = None) -> httpx.Response:
    return ctx.http.get(target, headers=_cookie_header(cookies))


def _cookie_header(cookies: httpx.Cookies | None) -> dict[str, str]:
    """The cookies the app set on its redirect, sent back as a browser would (an app may bind
    the state to the browser with one)."""
    if not cookies:
        return {}
    return {"cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}


def exchange_failure(ctx: CheckContext, code: str) -> str:
    """What the provider said about the app's token requests for `code`, for a failure message."""
    tried = ctx.oauth.exchanges_of(code)
    if not tried:
        return "the app sent no token request for this code"
    last = tried[-1]
    sent = {k: ("..." if k in ("client_secret", "code") else v) for k, v in last.form.items()}
    verdict = "200" if last.status == 200 else f"{last.status} {last.error}: {last.error_description}"
    return f"the app's token request ({last.client_auth}) {sent} -> the provider answered {verdict}"


def signed_in(ctx: CheckContext, user: User) -> tuple[Started, Returned, httpx.Response]:
    """A whole sign-in as `user`: the app's 200 on the callback, or a Failure that says which step broke."""
    started = start(ctx)
    returned = sign_in_at_provider(ctx, started, user)
    response = callback(ctx, returned.target, started.response.cookies)
    if response.status_code != 200:
        raise Failure(
            f"the sign-in with the provider did not complete: GET {returned.target.split('?')[0]} answered "
            f"{response.status_code}",
            expected="200 with the app's own tokens {access_token, refresh_token, token_type, expires_in}",
            actual=f"{describe(response)}\n{exchange_failure(ctx, returned.code)}",
            hint="On the callback: check the state, POST the code with redirect_uri, code_verifier and the client's "
                 "credentials to the token_endpoint, read the user from the id_token (or userinfo), then answer "
                 "as POST /v1/auth/login does.",
            reproduce=curl_for(response.request))
    return started, returned, response
