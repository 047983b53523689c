"""The harness's OpenID provider over real loopback HTTP: strict where an app's mistake would hide."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from harness.services.oauth import LOGIN_REQUEST, OAuthProvider, s256
from harness.services.oauth_rsa import RsaKey

REDIRECT = "http://127.0.0.1:9/v1/auth/oauth/callback"


@pytest.fixture
def provider() -> Iterator[OAuthProvider]:
    started = OAuthProvider(redirect_uri=REDIRECT).start()
    yield started
    started.stop()


def authorize_params(provider: OAuthProvider, verifier: str, **changes: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "response_type": "code", "client_id": provider.client_id, "redirect_uri": REDIRECT,
        "scope": "openid email", "state": "s-1", "nonce": "n-1", "code_challenge": s256(verifier),
        "code_challenge_method": "S256", **changes}
    return {k: v for k, v in params.items() if v is not None}


def code_for(provider: OAuthProvider, verifier: str, sub: str = "u-1") -> str:
    with httpx.Client(base_url=provider.issuer) as browser:
        page = browser.get("/authorize", params=authorize_params(provider, verifier))
        assert page.status_code == 200, page.text
        found = LOGIN_REQUEST.search(page.text)
        assert found is not None
        back = browser.post("/login", data={"request_id": found.group(1), "sub": sub,
                                            "email": "grace.hopper@example.org", "name": "Grace Hopper"})
    assert back.status_code == 302
    query = dict(parse_qsl(urlsplit(back.headers["location"]).query))
    assert back.headers["location"].startswith(REDIRECT + "?") and query["state"] == "s-1"
    return query["code"]


def exchange(provider: OAuthProvider, code: str, **form: str) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, **form}
    return httpx.post(f"{provider.issuer}/token", data=data, auth=(provider.client_id, provider.client_secret))


def payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def test_discovery_names_its_endpoints_and_requires_s256(provider: OAuthProvider) -> None:
    doc = httpx.get(f"{provider.issuer}/.well-known/openid-configuration").json()
    assert doc["issuer"] == provider.issuer
    assert doc["authorization_endpoint"] == f"{provider.issuer}/authorize"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert provider.env()["OAUTH_REDIRECT_URI"] == REDIRECT


@pytest.mark.parametrize("changes, error", [
    ({"code_challenge": None}, "code_challenge is missing"),
    ({"code_challenge_method": "plain"}, "must be S256, not plain"),
    ({"code_challenge_method": None}, "absent"),
    ({"scope": "email"}, "openid"),
    ({"response_type": "token"}, "response_type"),
])
def test_authorize_redirects_an_error_with_the_state(provider: OAuthProvider, changes: dict[str, str | None],
                                                     error: str) -> None:
    answer = httpx.get(f"{provider.issuer}/authorize", params=authorize_params(provider, "v" * 43, **changes))
    assert answer.status_code == 302
    query = dict(parse_qsl(urlsplit(answer.headers["location"]).query))
    assert query["error"] == "invalid_request" and error in query["error_description"] and query["state"] == "s-1"


@pytest.mark.parametrize("changes", [{"redirect_uri": REDIRECT + "/"}, {"client_id": "someone-else"}])
def test_authorize_never_redirects_to_an_unregistered_place(provider: OAuthProvider,
                                                           changes: dict[str, str]) -> None:
    answer = httpx.get(f"{provider.issuer}/authorize", params=authorize_params(provider, "v" * 43, **changes))
    assert answer.status_code == 400 and "location" not in answer.headers
    assert provider.authorizations[-1].error


def test_token_needs_the_verifier_and_the_code_is_single_use(provider: OAuthProvider) -> None:
    verifier = secrets.token_urlsafe(32)
    code = code_for(provider, verifier)
    missing = exchange(provider, code)
    assert missing.status_code == 400 and "code_verifier is missing" in missing.json()["error_description"]
    # The failed attempt spent the code: the right verifier is too late now.
    again = exchange(provider, code, code_verifier=verifier)
    assert again.json()["error"] == "invalid_grant" and "single use" in again.json()["error_description"]
    assert [r.error for r in provider.exchanges_of(code)] == ["invalid_grant", "invalid_grant"]


def test_a_wrong_verifier_or_redirect_or_secret_is_refused(provider: OAuthProvider) -> None:
    verifier = secrets.token_urlsafe(32)
    wrong = exchange(provider, code_for(provider, verifier), code_verifier=secrets.token_urlsafe(32))
    assert "is not the code_challenge" in wrong.json()["error_description"]
    moved = exchange(provider, code_for(provider, verifier), code_verifier=verifier, redirect_uri=REDIRECT + "x")
    assert "redirect_uri" in moved.json()["error_description"]
    stranger = httpx.post(f"{provider.issuer}/token", auth=(provider.client_id, "not-the-secret"),
                          data={"grant_type": "authorization_code", "code": code_for(provider, verifier),
                                "redirect_uri": REDIRECT, "code_verifier": verifier})
    assert stranger.status_code == 401 and stranger.json()["error"] == "invalid_client"


def test_a_good_exchange_gives_a_signed_id_token_and_userinfo(provider: OAuthProvider) -> None:
    verifier = secrets.token_urlsafe(32)
    code = code_for(provider, verifier, sub="u-42")
    answer = httpx.post(f"{provider.issuer}/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
        "client_id": provider.client_id, "client_secret": provider.client_secret})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    claims = payload(body["id_token"])
    assert claims["sub"] == "u-42" and claims["aud"] == provider.client_id and claims["nonce"] == "n-1"
    assert claims["iss"] == provider.issuer and claims["exp"] > claims["iat"]
    jwk = httpx.get(f"{provider.issuer}/jwks").json()["keys"][0]
    public = RsaKey.from_jwk(jwk)
    head, body_part, signature = body["id_token"].split(".")
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    assert public.verify(f"{head}.{body_part}".encode(), raw)
    assert not public.verify(f"{head}.{body_part}x".encode(), raw)
    assert provider.exchanges_of(code)[0].client_auth == "client_secret_post"
    info = httpx.get(f"{provider.issuer}/userinfo", headers={"authorization": f"Bearer {body['access_token']}"})
    assert info.json()["sub"] == "u-42"
    assert httpx.get(f"{provider.issuer}/userinfo", headers={"authorization": "Bearer nope"}).status_code == 401


def test_rsa_signatures_are_pkcs1_v15_sha256() -> None:
    key = RsaKey.generate(bits=1024)  # small: the arithmetic is the same, the test faster
    signature = key.sign(b"message")
    assert len(signature) == key.size and key.verify(b"message", signature)
    assert not key.verify(b"messagf", signature)
    assert key.jwk()["e"] == "AQAB"


def test_one_key_per_process_its_public_half_read_back_from_the_jwk(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.services import oauth_rsa

    monkeypatch.setattr(oauth_rsa, "_shared", None)
    made = oauth_rsa.shared_key()
    assert oauth_rsa.shared_key() is made and made.size == oauth_rsa.BITS // 8
    public = RsaKey.from_jwk(made.jwk())
    assert public.kid == made.kid and public.verify(b"x", made.sign(b"x"))
    with pytest.raises(ValueError, match="a public key signs nothing"):
        public.sign(b"x")
