"""Sign-in with an OpenID provider: the authorization code flow with PKCE, state, and linking.

The provider is the harness's own (harness/services/oauth.py, the lab's service "oauth"):
it records every request the app sends it, so these checks judge what the app *sent*, not
only what it answered. The browser and the user are played by validators/security/oauth_flow.py.
Sources: RFC 6749 §10.12 (CSRF and state), RFC 7636 (PKCE), RFC 9700 (OAuth 2.0 Security
BCP) §2.1.1 and §4.5, OpenID Connect Core §5.7 (the subject, not the e-mail, is the key).
"""

from __future__ import annotations

import re

import httpx

from harness import expect
from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.registry import CheckContext, check
from harness.services.oauth import CHALLENGE, VERIFIER, User, s256

from .account_setup import ME, Accounts, bearer, tokens_from
from .oauth_flow import START_HINT, callback, exchange_failure, new_user, sign_in_at_provider, signed_in, start
from .stack_hint import in_stack

# RFC 9700 §4.7.1 / RFC 6749 §10.10: at least 128 bits; 22 base64url characters carry 132.
STATE_MIN_CHARS = 22
_SHAPE = re.compile(r"^[\x21-\x7e]+$")
PKCE_HINT = "Per sign-in:"
PKCE_HINT_NODE = ("code_verifier = crypto.randomBytes(32).toString('base64url'), code_challenge = sha256(verifier) in "
                  "base64url, code_challenge_method=S256; keep the verifier with the state (a signed HttpOnly cookie "
                  "or the server side) and send it as code_verifier to the token endpoint.")
PKCE_HINT_JAVA = ("a new code_verifier and its S256 code_challenge: a DefaultOAuth2AuthorizationRequestResolver with "
                  "setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce()) in "
                  "oauth2Login().authorizationEndpoint() (Spring adds PKCE by itself only for public clients); "
                  "its token request then sends the code_verifier.")
STATE_HINT_JAVA = ("Spring's oauth2Login keeps the pending request in the session and refuses a callback whose state "
                   "is missing or another (authorization_request_not_found) before any token request, keeping the "
                   "pending one: answer 400 from its failure handler.")
STATE_HINT = ("Keep the state you sent (a signed HttpOnly cookie, or the server side); on the callback, refuse "
              "(400) when the state is missing or differs, before sending the code anywhere; forget it once used.")


def _pkce(ctx: CheckContext) -> str:
    return in_stack(ctx, PKCE_HINT, node=PKCE_HINT_NODE, java=PKCE_HINT_JAVA)


def _state(ctx: CheckContext, more: str = "") -> str:
    return ctx.hint(STATE_HINT + more, java=STATE_HINT_JAVA)


@check("security.oauth.pkce", points=3, services={"oauth"})
def code_flow_uses_pkce(ctx: CheckContext) -> None:
    """The sign-in redirect is a code flow with PKCE S256, and the token request proves the verifier.

    Two sign-ins start: each redirect must carry response_type=code, the app's client_id, the
    registered redirect_uri exactly, scope openid, a state of 128+ bits and an S256
    code_challenge, both new for each sign-in. One completes: the app's token request must send
    the code_verifier whose SHA-256 is that challenge (the provider refuses anything else).
    """
    first, second = start(ctx), start(ctx)
    provider = ctx.oauth
    wanted = {"response_type": "code", "client_id": provider.client_id, "redirect_uri": provider.redirect_uri,
              "code_challenge_method": "S256"}
    for key, value in wanted.items():
        if first.params.get(key) != value:
            raise expect.fail(first.response, f"the redirect's {key} is {first.params.get(key)!r}",
                              expected=f"{key}={value}", hint=START_HINT if key != "code_challenge_method"
                              else _pkce(ctx))
    if "openid" not in first.params.get("scope", "").split():
        raise expect.fail(first.response, "the redirect's scope lacks openid", expected="scope=openid email profile",
                          hint=START_HINT)
    challenge = first.params.get("code_challenge", "")
    if not CHALLENGE.match(challenge):
        raise expect.fail(first.response, f"the code_challenge {challenge!r} is not BASE64URL(SHA256(verifier))",
                          expected="43 base64url characters, no padding", hint=_pkce(ctx))
    if second.params.get("code_challenge") == challenge:
        raise expect.fail(second.response, "two sign-ins sent the same code_challenge: the code_verifier is not "
                          "new for each sign-in, so a stolen code can be redeemed with the verifier of any other",
                          expected="a fresh random code_verifier per sign-in", hint=_pkce(ctx))
    _judge_state(ctx, first.params.get("state"), second.params.get("state"), first.response)

    returned = sign_in_at_provider(ctx, second, new_user(ctx))
    response = callback(ctx, returned.target, second.response.cookies)
    sent = [r for r in provider.exchanges_of(returned.code) if r.status == 200]
    if response.status_code != 200 or not sent:
        raise Failure("the sign-in did not complete with the provider's code and the app's code_verifier",
                      expected="a token request with code_verifier, then 200 with the app's tokens",
                      actual=f"{describe(response)}\n{exchange_failure(ctx, returned.code)}",
                      hint=_pkce(ctx), reproduce=curl_for(response.request))
    verifier = sent[0].form.get("code_verifier", "")
    # The provider accepted it, so these hold; said here so the evidence names what the app sent.
    if not VERIFIER.match(verifier) or s256(verifier) != second.params["code_challenge"]:
        raise Failure("the provider accepted a code_verifier that does not match", expected="S256(verifier) = "
                      "challenge", actual=verifier, hint=_pkce(ctx), reproduce=curl_for(response.request))


def _judge_state(ctx: CheckContext, first: str | None, second: str | None, response: httpx.Response) -> None:
    if not first or not _SHAPE.match(first) or len(first) < STATE_MIN_CHARS:
        raise expect.fail(response, f"the redirect's state is {first!r}: too short to be unguessable",
                          expected=f"a random state of {STATE_MIN_CHARS}+ base64url characters (128+ bits)",
                          hint=_state(ctx))
    if first == second:
        raise expect.fail(response, "two sign-ins sent the same state", expected="a new random state per sign-in",
                          hint=_state(ctx))


@check("security.oauth.state", points=3, services={"oauth"})
def callback_checks_state(ctx: CheckContext) -> None:
    """The callback refuses a wrong or missing state before it uses the code, and a code works once.

    The harness signs in at the provider, then calls the app's callback with the real code but
    a forged state, and with no state: both must be refused (4xx) without a token request for
    the code. The genuine callback must then succeed, and the same callback again be refused.
    """
    started = start(ctx)
    returned = sign_in_at_provider(ctx, started, new_user(ctx))
    path = returned.target.split("?", 1)[0]
    forged_state = f"{returned.state or ''}x" if returned.state else "forged-state-0123456789abcdef"
    for label, target in ((f"a forged state ({forged_state})", f"{path}?code={returned.code}&state={forged_state}"),
                          ("no state", f"{path}?code={returned.code}")):
        response = callback(ctx, target, started.response.cookies)
        spent = ctx.oauth.exchanges_of(returned.code)
        if response.is_success or response.status_code >= 500 or spent:
            what = ("accepted" if response.is_success else "crashed" if response.status_code >= 500
                    else "refused, but only after it sent the code to the token endpoint")
            raise Failure(
                f"the callback with the provider's code and {label} was {what}: an attacker can sign a victim "
                "in to the attacker's account (login CSRF, RFC 6749 §10.12)",
                expected="400 before any token request", actual=describe(response), hint=_state(ctx),
                reproduce=curl_for(response.request))
    genuine = callback(ctx, returned.target, started.response.cookies)
    if genuine.status_code != 200:
        raise Failure("after refusing the forged callbacks, the genuine one failed", expected="200 with the app's "
                      "tokens", actual=f"{describe(genuine)}\n{exchange_failure(ctx, returned.code)}",
                      hint="Refusing a bad callback must not consume the pending sign-in's state.",
                      reproduce=curl_for(genuine.request))
    replay = callback(ctx, returned.target, started.response.cookies)
    if replay.is_success or replay.status_code >= 500:
        raise Failure(
            "the same callback (code and state) sent a second time was "
            f"{'accepted' if replay.is_success else 'answered with a crash'}",
            expected="4xx: the state is spent and the provider refuses a used code (invalid_grant)",
            actual=describe(replay), hint=_state(ctx, " Answer 400/401 when the token endpoint refuses the code."),
            reproduce=curl_for(replay.request))


@check("security.oauth.account_linked", points=3, services={"oauth"})
def accounts_link_by_subject(ctx: CheckContext) -> None:
    """A provider sign-in gives the app's own tokens for an account linked by the provider's subject.

    The callback must answer the app's tokens; GET /v1/me with them is the account. The same
    provider user (same sub) with a changed e-mail gets the same account. Another provider user
    whose unverified e-mail is a registered member's must not become that member.
    """
    user = new_user(ctx)
    _, _, response = signed_in(ctx, user)
    first, seen = _me(ctx, tokens_from(response, what="the OAuth callback").access)
    if str(first.get("email", "")).lower() != user.email.lower():
        raise Failure("GET /v1/me after the sign-in is not the provider's user", expected=f"email {user.email}",
                      actual=str(first), hint="Create (or find) the account from the id_token's sub and e-mail.",
                      reproduce=curl_for(seen.request))
    moved = User(sub=user.sub, email=new_user(ctx).email, name=user.name)
    _, _, response = signed_in(ctx, moved)
    again, _ = _me(ctx, tokens_from(response, what="the OAuth callback").access)
    if str(again.get("id")) != str(first.get("id")):
        raise Failure(
            "the same provider user (same sub) with a new e-mail got another account: accounts are linked by "
            "e-mail, which changes and which the provider may not have verified",
            expected=f"account {first.get('id')} again", actual=str(again),
            hint="Store (issuer, sub) with the account, e.g. an oauth_identities table, and look it up by them "
                 "(OpenID Connect Core §5.7).", reproduce=curl_for(response.request))
    victim = Accounts(ctx).register()
    intruder = new_user(ctx, email=victim.email, verified=False)
    started = start(ctx)
    returned = sign_in_at_provider(ctx, started, intruder)
    answer = callback(ctx, returned.target, started.response.cookies)
    if answer.status_code >= 500:
        raise Failure("a provider user whose e-mail belongs to a member crashed the callback", expected="409 "
                      "(or a new account)", actual=describe(answer), reproduce=curl_for(answer.request),
                      hint="A unique e-mail that is taken is a 409 (catch the conflict), not a 500.")
    if answer.status_code == 200:
        who, _ = _me(ctx, tokens_from(answer, what="the OAuth callback").access)
        if str(who.get("id")) == str(victim.id):
            raise Failure(
                f"a provider user with the unverified e-mail {victim.email} was signed in as the member who "
                "registered it: anyone can take over an account by claiming its e-mail at a provider",
                expected="409 (e-mail already registered) or a separate account", actual=str(who),
                hint="Link by (issuer, sub) only; never by an e-mail the provider has not verified.",
                reproduce=curl_for(answer.request))


def _me(ctx: CheckContext, access: str) -> tuple[dict[str, object], httpx.Response]:
    response = ctx.http.get(ME, headers=bearer(access))
    expect.status(response, 200, what=f"GET {ME} with the access token of the OAuth sign-in",
                  hint="The callback's access_token must work like a password login's.")
    return expect.json_object(response, what=f"GET {ME}"), response

