"""JSON Web Tokens: signatures verified, short lives, rotation with reuse detection, expiry enforced.

Sources: RFC 8725 (JWT best current practices), the OWASP JWT Cheat Sheet, WSTG-SESS-10,
RFC 9700 §4.14.2). Attack tokens are built by jwt_tools from the token the app issued, so the
checks need no secret and work whatever the app signs with.

Expiry is tested by moving the app's clock (libfaketime): nothing waits 15 minutes.
The lab runs the app with `[app] clock = "faketime"`; security.jwt.expiry_enforced moves the
app's wall clock past the token's exp, then back, and confirms each move through the app's own
Date header before relying on it. It runs last in the lab and always puts the clock back:
in-process rate-limit windows and TTLs move with the clock too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from harness import expect
from harness.httpclient import curl_for, describe
from harness.outcomes import CannotCheck, Failure
from harness.params import Param
from harness.registry import CheckContext, check

from . import jwt_tools, refresh_steps
from .account_setup import LOGOUT, ME, REFRESH, Account, Accounts, Tokens, bearer, tokens_from
from .credentials import rows_mentioning
from .stack_hint import in_stack

KEY_PATHS = ("/.well-known/jwks.json", "/jwks.json", "/v1/auth/jwks", "/v1/auth/jwks.json",
             "/.well-known/openid-configuration", "/v1/auth/public-key", "/.well-known/public.pem")
ATTACKER_KEY = b"harness-attacker-key-0123456789abcdef"
VERIFY_FIX = "Verify every token with"
VERIFY_FIX_NODE = ("jwt.verify(token, secret, { algorithms: ['HS256'] }) in one middleware used by every protected "
                   "route; never jwt.decode(), which reads a token without checking it.")
VERIFY_FIX_JAVA = ("one JwtDecoder, NimbusJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256), in "
                   "oauth2ResourceServer().jwt() for every protected route; never JWTParser.parse() alone, which "
                   "reads a token without checking it.")
GRACE_S = 120  # past exp: beyond any clock tolerance an app may allow
NO_EXP_SHIFT_S = 2 * 3600
SETTLE_S = 5.0
EXPIRY_FIX = "Verify tokens with"
EXPIRY_FIX_NODE = ("jwt.verify(token, secret, { algorithms: ['HS256'] }) and no ignoreExpiration / ignoreNotBefore: "
                   "it refuses a token after exp and before nbf.")
EXPIRY_FIX_JAVA = ("a NimbusJwtDecoder that keeps JwtValidators.createDefault(): it refuses a token after exp and "
                   "before nbf. setJwtValidator(yours) replaces it: pass new DelegatingOAuth2TokenValidator<>("
                   "JwtValidators.createDefault(), yours).")
# How a learner starts the app under faketime, for the expiry check's reproduce line.
START = {"node": "node src/server.js", "java": "java -jar target/shelf.jar"}


def _verify_fix(ctx: CheckContext) -> str:
    return in_stack(ctx, VERIFY_FIX, node=VERIFY_FIX_NODE, java=VERIFY_FIX_JAVA)


def _expiry_fix(ctx: CheckContext) -> str:
    return in_stack(ctx, EXPIRY_FIX, node=EXPIRY_FIX_NODE, java=EXPIRY_FIX_JAVA)


def _jwt(tokens: Tokens) -> jwt_tools.Jwt:
    try:
        return jwt_tools.parse(tokens.access)
    except ValueError as exc:
        raise Failure(f"the access token is not a JWT: {exc}", expected="a JWT (header.payload.signature)",
                      actual=tokens.access[:80], reproduce=curl_for(tokens.response.request),
                      hint="Shelf's access tokens are JWTs sent as Authorization: Bearer <token>.") from None


def _public_keys(ctx: CheckContext) -> list[bytes]:
    """The app's published public keys (JWKS or PEM), as PEM."""
    keys: list[bytes] = []
    for path in KEY_PATHS:
        response = ctx.http.get(path)
        if not response.is_success:
            continue
        if "BEGIN PUBLIC KEY" in response.text:
            keys.append(response.text.encode())
            continue
        try:
            body: Any = response.json()
        except ValueError:
            continue
        if isinstance(body, dict) and isinstance(body.get("jwks_uri"), str):
            body = _json_or_none(ctx.http.get(httpx.URL(body["jwks_uri"]).path))
        if isinstance(body, dict) and isinstance(body.get("keys"), list):
            keys += [pem for jwk in body["keys"] if isinstance(jwk, dict) and (pem := jwt_tools.jwk_to_pem(jwk))]
    return keys


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json() if response.is_success else None
    except ValueError:
        return None


def _forgeries(ctx: CheckContext, token: jwt_tools.Jwt, victim: Account) -> list[tuple[str, str]]:
    sub = token.payload.get("sub")
    escalate: dict[str, Any] = {"role": "admin",
                                "sub": int(victim.id) if isinstance(sub, int) and victim.id.isdigit() else victim.id}
    forged = [
        ("the payload changed (role: admin, sub: another member), the signature kept",
         jwt_tools.with_claims(token, **escalate)),
        ("one bit of the signature flipped", jwt_tools.flipped(token)),
        ("the signature stripped (header.payload.)", jwt_tools.stripped(token)),
        ("only two segments (header.payload)", token.signing_input),
        ("alg: none keeping the original signature",
         jwt_tools.unsigned({**token.header, "alg": "none"}, {**token.payload, **escalate},
                            jwt_tools.b64url_encode(token.signature))),
        ("an attacker's HMAC key embedded in the header (jwk)",
         jwt_tools.embedded_jwk(token, ATTACKER_KEY, **escalate)),
        ("kid pointing at /dev/null, signed with an empty key", jwt_tools.kid_traversal(token, **escalate)),
    ]
    forged += [(f"alg: {alg!r} with an empty signature", jwt_tools.alg_none(token, alg, **escalate))
               for alg in jwt_tools.NONE_VARIANTS]
    if token.alg[:2] in ("RS", "ES", "PS"):
        keys = _public_keys(ctx)
        if keys:
            forged += [(f"alg confusion: {name}", t) for name, t in jwt_tools.key_confusion(token, keys, **escalate)]
        else:
            ctx.note(f"security.jwt.signature_verified: tokens are {token.alg} but no public key is published at "
                     f"{', '.join(KEY_PATHS[:3])}...: the RS/HS key-confusion probe did not run")
    return forged


@check("security.jwt.signature_verified", points=4, services={"postgres"})
def forged_tokens_are_rejected(ctx: CheckContext) -> None:
    """Forged access tokens are rejected on every protected route.

    From a real token the harness builds: a tampered payload (role admin, another sub) with
    the old signature, a flipped and a stripped signature, alg none/None/NONE/nOnE, an
    attacker key embedded in the header, a kid path traversal and, for RS/ES tokens, HMAC
    signatures made with the published public key. GET /v1/me, GET
    /v1/members/{id}/loans and POST /v1/authors must refuse every one (401). An HMAC secret
    from the usual tutorial list (secret, changeme, your-256-bit-secret ...) also fails.
    """
    accounts = Accounts(ctx)
    account, tokens = accounts.member()
    victim = accounts.register()
    token = _jwt(tokens)
    routes = [("GET", ME, None), ("GET", f"/v1/members/{account.id}/loans", None),
              ("POST", "/v1/authors", {"name": "Forged"})]
    for method, path, _ in routes[:2]:
        response = ctx.http.request(method, path, headers=bearer(tokens.access))
        expect.status(response, 200, what=f"{method} {path} with the member's own valid token",
                      hint="A member reads /v1/me and their own loans with their access token.")
    secret = jwt_tools.crack(token)
    if secret is not None:
        raise Failure(
            f"the token's HMAC secret is {secret!r}: anyone can sign an admin token with it",
            expected="a random secret of at least 32 bytes (RFC 8725 §3.5), from the environment",
            actual=f"{token.alg} token signed with {secret!r}", reproduce=curl_for(tokens.response.request),
            hint=in_stack(ctx, "Generate the secret", node="(crypto.randomBytes(32)) and read it from JWT_SECRET; "
                          "never commit it.", java="(32 bytes of SecureRandom) and read it from JWT_SECRET; never "
                          "commit it."))
    for name, forged in _forgeries(ctx, token, victim):
        for method, path, body in routes:
            response = ctx.http.request(method, path, json=body, headers=bearer(forged))
            if response.is_success or response.status_code >= 500:
                verdict = "accepted" if response.is_success else f"crashed the app ({response.status_code})"
                raise Failure(
                    f"a forged access token was {verdict}: {name}, on {method} {path}",
                    expected="401 for any token whose signature does not verify with the server's key and algorithm",
                    actual=describe(response), hint=_verify_fix(ctx),
                    reproduce=curl_for(response.request))


def _app_time(response: httpx.Response) -> float | None:
    try:
        return parsedate_to_datetime(response.headers["date"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return None


@check("security.jwt.lifetime_bounded", points=2, params=[
    Param("max_access_s", float, 900, "the longest an access token may live, in seconds")])
def access_tokens_are_short_lived(ctx: CheckContext) -> None:
    """Access tokens carry exp and live at most the lab's policy (15 minutes).

    The login's and the refresh's access tokens are decoded (no secret needed): exp must be
    present and exp - iat at most max_access_s; expires_in must say the same lifetime.
    """
    max_s: float = ctx.param("max_access_s")
    accounts = Accounts(ctx)
    _, tokens = accounts.member()
    refreshed = ctx.http.post(REFRESH, json={"refresh_token": tokens.refresh})
    expect.status(refreshed, 200, what=f"POST {REFRESH} with a fresh refresh token",
                  hint="Answer 200 with a new token pair.")
    for what, pair in (("login", tokens), ("refresh", tokens_from(refreshed, what=f"POST {REFRESH}"))):
        claims = _jwt(pair).payload
        life = jwt_tools.lifetime_s(claims, _app_time(pair.response) or time.time())
        fix = in_stack(ctx, f"Sign access tokens with an expiry of at most {int(max_s)} seconds:",
                       node=f"jwt.sign(claims, secret, {{ algorithm: 'HS256', expiresIn: {int(max_s)} }}); the "
                            "refresh token keeps the session going.",
                       java=f"JwtClaimsSet.builder().expiresAt(now.plusSeconds({int(max_s)})); the refresh token "
                            "keeps the session going.")
        if life is None:
            raise Failure(f"the {what} access token has no exp claim: it never expires",
                          expected=f"exp at most {int(max_s)} s after iat", actual=f"claims: {claims}",
                          hint=fix, reproduce=curl_for(pair.response.request))
        if life > max_s + 5:
            raise Failure(f"the {what} access token lives {life / 60:.0f} minutes ({life:.0f} s); the policy is "
                          f"at most {max_s / 60:.0f} minutes", expected=f"exp - iat <= {int(max_s)}",
                          actual=f"claims: {claims}", hint=fix, reproduce=curl_for(pair.response.request))
        expires_in = pair.body.get("expires_in")
        if not isinstance(expires_in, int | float) or isinstance(expires_in, bool) or abs(expires_in - life) > 60:
            raise expect.fail(pair.response, f"the {what} answer's expires_in ({expires_in!r}) is not the access "
                              f"token's lifetime ({life:.0f} s)", expected=f"\"expires_in\": {life:.0f}",
                              hint="expires_in is the access token's lifetime in seconds (RFC 6749 §5.1).")


@check("security.jwt.refresh_rotation", points=3, services={"postgres"})
def refresh_tokens_rotate_and_reuse_revokes(ctx: CheckContext) -> None:
    """Refresh tokens rotate, a reused one revokes its family, logout revokes, and only hashes are stored.

    Refreshing with R1 returns a new pair (R2 != R1); presenting R1 again is refused and
    also kills R2 (RFC 9700 §4.14.2); after logout the refresh token is refused; a refresh
    token is no access token and vice versa; the raw refresh tokens appear in no table.
    """
    accounts = Accounts(ctx)
    account = accounts.register()
    first = accounts.login(account)
    hint = ("Store sha256(refresh token) with a family id; on refresh, mark the row used and issue the next "
            "token of the same family; when a used (or revoked) token comes back, revoke the whole family.")

    def refused(response: httpx.Response, message: str, expected: str = "401", steps: str | None = None) -> None:
        if response.is_success or response.status_code >= 500:
            raise Failure(message, expected=expected, actual=describe(response), hint=hint,
                          reproduce=steps or curl_for(response.request))

    refused(ctx.http.get(ME, headers=bearer(first.refresh)),
            f"the refresh token works as an access token on GET {ME}")
    refused(ctx.http.post(REFRESH, json={"refresh_token": first.access}),
            f"the access token works as a refresh token on POST {REFRESH}")
    response = ctx.http.post(REFRESH, json={"refresh_token": first.refresh})
    expect.status(response, 200, what=f"POST {REFRESH} with a fresh refresh token", hint=hint)
    second = tokens_from(response, what=f"POST {REFRESH}")
    if second.refresh == first.refresh:
        raise expect.fail(response, "the refresh token did not rotate: the answer returns the same one",
                          expected="a new refresh token on every refresh", hint=hint)
    expect.status(ctx.http.get(ME, headers=bearer(second.access)), 200,
                  what=f"GET {ME} with the refreshed access token")
    reuse = refresh_steps.reuse_steps(account, first)
    refused(ctx.http.post(REFRESH, json={"refresh_token": first.refresh}),
            "a spent refresh token was accepted again (reuse not detected)", steps=reuse)
    refused(ctx.http.post(REFRESH, json={"refresh_token": second.refresh}),
            "after a spent refresh token came back, its successor still works: reuse must revoke the family",
            expected="401 for every token of the family", steps=reuse)

    third = accounts.login(account)
    response = ctx.http.post(LOGOUT, json={"refresh_token": third.refresh}, headers=bearer(third.access))
    expect.status(response, 200, 204, what=f"POST {LOGOUT}", hint="Answer 204 and revoke the refresh token.")
    refused(ctx.http.post(REFRESH, json={"refresh_token": third.refresh}),
            "a refresh token still works after logout", steps=refresh_steps.logout_steps(account, third))
    if ctx.http.get(ME, headers=bearer(third.access)).is_success:
        ctx.note("security.jwt.refresh_rotation: the access token still works after logout until it expires "
                 "(fine for short-lived JWTs; a denylist by jti would end it at once)")

    leaked = rows_mentioning(ctx.pg, [first.refresh, second.refresh, third.refresh])
    if leaked:
        table, row = leaked[0]
        raise Failure(
            f"refresh tokens are stored as they are, in {table}: whoever reads the table can use them",
            expected="only a hash of each refresh token (sha256) in the database",
            actual=f"{table} row: {str(row)[:200]}", hint=hint,
            reproduce=f"psql \"$DATABASE_URL\" -c 'SELECT * FROM {table}'")
    if len(first.refresh) < 22:
        raise Failure(f"the refresh token is short enough to guess ({len(first.refresh)} characters)",
                      expected="at least 128 random bits (22+ base64url characters)", actual=first.refresh,
                      hint=ctx.hint("crypto.randomBytes(32).toString('base64url')", java="in Java: 32 bytes of "
                                    "SecureRandom, then Base64.getUrlEncoder().withoutPadding()."),
                      reproduce=curl_for(first.response.request))


def app_clock_offset(ctx: CheckContext) -> float | None:
    """How far the app's clock is from ours, from its Date header (1 s resolution); None without one."""
    app_time = _app_time(ctx.http.get("/health"))
    return None if app_time is None else app_time - time.time()


def settle(ctx: CheckContext, offset: float) -> None:
    """Wait until the app sees the clock at `offset` (its Date header lags by up to a second)."""
    deadline = time.monotonic() + SETTLE_S
    seen = app_clock_offset(ctx)
    while seen is not None and abs(seen - offset) > 3:
        if time.monotonic() > deadline:
            raise CannotCheck(
                f"the app's clock did not move with libfaketime (asked {offset:+.0f} s, its Date header says "
                f"{seen:+.0f} s): a statically linked binary ignores LD_PRELOAD",
                fix="Build the app dynamically linked (Go: CGO_ENABLED=1), or grade this check by hand.")
        time.sleep(0.2)
        seen = app_clock_offset(ctx)


def _confirmed(ctx: CheckContext, offset: float, send: Callable[[], httpx.Response]) -> httpx.Response:
    """The answer to `send` once the app's clock is known to be at `offset`.

    A refusal (4xx) needs no confirmation: with the clock not moved yet the token would still
    be valid, so the refusal is final. Only an answer that would fail the check waits for the
    Date header to show the move (settle) and is asked again: that keeps the CannotCheck for
    an app that ignores libfaketime, without waiting up to a second for every app that passes
    (Node caches its Date header for up to a second, so a settle waits ~0.5 s on average).
    """
    response = send()
    if response.is_success or response.status_code >= 500:
        settle(ctx, offset)
        response = send()
    return response


@check("security.jwt.expiry_enforced", points=3, timeout_s=90)
def expired_tokens_are_rejected(ctx: CheckContext) -> None:
    """Expired access tokens are refused, and so are tokens not yet valid (nbf).

    The harness moves the app's clock 2 minutes past the token's exp (2 hours when there
    is none): GET /v1/me with it must answer 401. A token issued while the clock is ahead
    carries an nbf in the future once the clock is back: if it has nbf, it must be refused.
    """
    clock = ctx.clock
    accounts = Accounts(ctx)
    account, tokens = accounts.member()
    control = ctx.http.get(ME, headers=bearer(tokens.access))
    if control.status_code != 200:
        raise Failure(f"GET {ME} with a fresh access token answered {control.status_code}", expected="200",
                      actual=describe(control), reproduce=curl_for(control.request))
    exp = jwt_tools.claims(tokens.access).get("exp")
    numeric = isinstance(exp, int | float) and not isinstance(exp, bool)
    shift = max(float(exp) - time.time(), 0.0) + GRACE_S if numeric else NO_EXP_SHIFT_S  # type: ignore[arg-type]
    try:
        clock.shift(shift)
        late = _confirmed(ctx, shift, lambda: ctx.http.get(ME, headers=bearer(tokens.access)))
        if late.is_success or late.status_code >= 500:
            cause = (f"{shift:.0f} s later (2 minutes past its exp)" if numeric else
                     f"{shift / 3600:.0f} hours later (the token has no exp, so it never expires)")
            raise Failure(
                f"an expired access token was {'accepted' if late.is_success else 'answered with a crash'}: "
                f"the app's clock was moved {cause}",
                expected="401 once the token is past its exp", actual=describe(late), hint=_expiry_fix(ctx),
                reproduce=f"faketime '+{shift:.0f}s' {START.get(ctx.track, START['node'])}, then: "
                          f"{curl_for(late.request)}")
        # The refusal above was only possible with the app's clock moved: the login below is
        # issued at the shifted time without waiting for the Date header.
        early = accounts.login(account)
        clock.reset()
        if "nbf" not in jwt_tools.claims(early.access):
            ctx.note("security.jwt.expiry_enforced: tokens carry no nbf claim; the not-yet-valid probe did not apply")
            return
        # With the clock still ahead the token would be valid (200): a 401 is final at once,
        # a 200 is judged only once the Date header shows the clock back.
        response = _confirmed(ctx, 0, lambda: ctx.http.get(ME, headers=bearer(early.access)))
        if response.is_success:
            raise Failure(
                f"a token that is not valid yet was accepted: issued with the app's clock {shift:.0f} s ahead, its "
                "nbf is in the future", expected="401 before nbf", actual=describe(response), hint=_expiry_fix(ctx),
                reproduce=curl_for(response.request))
    finally:
        clock.reset()
