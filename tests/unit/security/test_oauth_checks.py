"""The OAuth and API key checks against stand-in apps and the harness's real provider: they pass
a correct client and name each planted mistake."""

from __future__ import annotations

import base64
import hashlib
import json as jsonlib
import secrets
import time
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from harness.outcomes import Failure
from harness.registry import CheckContext
from harness.services.oauth import CALLBACK_PATH, OAuthProvider, s256
from harness.validators.security.apikeys import api_keys_rotate_and_revoke
from harness.validators.security.oauth import accounts_link_by_subject, callback_checks_state, code_flow_uses_pkce

from .fake_shelf import ShiftingClock

CORRECT, SAME_VERIFIER, NO_STATE_CHECK, LINK_BY_EMAIL = "correct", "same-verifier", "no-state-check", "by-email"
NEVER_EXPIRES, SLOW_REVOKE = "never-expires", "slow-revoke"


class FakeClient:
    """Shelf's accounts, its OAuth client and its API keys, in Python; `mode` plants one mistake."""

    def __init__(self, provider: OAuthProvider, mode: str = CORRECT) -> None:
        self.provider, self.mode = provider, mode
        self.clock = ShiftingClock()
        self.pending: dict[str, tuple[str, str]] = {}  # state -> (verifier, nonce)
        self.fixed_verifier = secrets.token_urlsafe(32)
        self.members: dict[str, dict[str, Any]] = {}
        self.links: dict[str, str] = {}  # sub -> member id
        self.tokens: dict[str, str] = {}  # access token -> member id
        self.keys: dict[str, dict[str, Any]] = {}  # sha256(key) -> {id, owner, expires, revoked}

    def now(self) -> float:
        return time.time() + self.clock.offset_s

    def request(self, method: str, path: str, *, json: Any = None, content: Any = None,
                headers: dict[str, str] | None = None, params: Any = None) -> httpx.Response:
        request = httpx.Request(method, "http://127.0.0.1:1" + path, headers=headers or {},
                                content=jsonlib.dumps(json).encode() if json is not None else b"")
        url = urlsplit(path)
        status, body, extra = self._route(method, url.path, dict(parse_qsl(url.query)), json or {},
                                          dict(request.headers))
        return httpx.Response(status, json=body, request=request,
                              headers={"date": formatdate(self.now(), usegmt=True), **extra})

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def _route(self, method: str, path: str, query: dict[str, str], body: dict[str, Any],
               headers: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if path == "/health":
            return 200, {}, {}
        if (method, path) == ("POST", "/v1/auth/register"):
            return 201, self._member(body["email"], body["name"]), {}
        if (method, path) == ("POST", "/v1/auth/login"):
            found = next((m for m in self.members.values() if m["email"] == body["email"]), None)
            return (200, self._tokens(found["id"]), {}) if found else (401, {}, {})
        if (method, path) == ("GET", "/v1/auth/oauth/login"):
            return 302, None, {"location": self._authorize()}
        if (method, path) == ("GET", CALLBACK_PATH):
            return self._callback(query)
        caller = self._caller(headers)
        if caller is None:
            return 401, {}, {}
        if (method, path) == ("GET", "/v1/me"):
            return 200, self.members[caller], {}
        if (method, path) == ("POST", "/v1/me/api-keys"):
            return 201, self._new_key(caller), {}
        parts = path.split("/")
        if method == "POST" and path.endswith("/rotate"):
            old = next(k for k in self.keys.values() if k["id"] == parts[4])
            old["expires"] = self.now() + 3600
            return 201, self._new_key(caller), {}
        if method == "DELETE":
            found = next(k for k in self.keys.values() if k["id"] == parts[4])
            found["revoked"] = self.mode != SLOW_REVOKE
            return 204, None, {}
        return 404, {}, {}

    def _member(self, email: str, name: str) -> dict[str, Any]:
        member = {"id": str(len(self.members) + 1), "email": email, "name": name, "role": "member"}
        self.members[member["id"]] = member
        return member

    def _tokens(self, member_id: str) -> dict[str, Any]:
        access = secrets.token_urlsafe(24)
        self.tokens[access] = member_id
        return {"access_token": access, "refresh_token": secrets.token_urlsafe(32), "token_type": "Bearer",
                "expires_in": 900}

    def _caller(self, headers: dict[str, str]) -> str | None:
        if "x-api-key" in headers:
            key = self.keys.get(hashlib.sha256(headers["x-api-key"].encode()).hexdigest())
            expired = key is not None and key["expires"] is not None and key["expires"] < self.now() \
                and self.mode != NEVER_EXPIRES
            return None if key is None or key["revoked"] or expired else str(key["owner"])
        return self.tokens.get(headers.get("authorization", "").removeprefix("Bearer "))

    def _new_key(self, owner: str) -> dict[str, Any]:
        key = f"shk_{secrets.token_urlsafe(32)}"
        record = {"id": str(len(self.keys) + 1), "owner": owner, "expires": None, "revoked": False}
        self.keys[hashlib.sha256(key.encode()).hexdigest()] = record
        return {"id": record["id"], "key": key}

    def _authorize(self) -> str:
        verifier = self.fixed_verifier if self.mode == SAME_VERIFIER else secrets.token_urlsafe(32)
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(12)
        self.pending[state] = (verifier, nonce)
        return f"{self.provider.issuer}/authorize?" + urlencode({
            "response_type": "code", "client_id": self.provider.client_id, "redirect_uri": self.provider.redirect_uri,
            "scope": "openid email", "state": state, "nonce": nonce, "code_challenge": s256(verifier),
            "code_challenge_method": "S256"})

    def _callback(self, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        state = query.get("state", "")
        if self.mode == NO_STATE_CHECK and self.pending:
            state = next(reversed(self.pending))
        if state not in self.pending:
            return 400, {"detail": "state"}, {}
        verifier, _nonce = self.pending[state]
        client = (self.provider.client_id, self.provider.client_secret)
        answer = httpx.post(f"{self.provider.issuer}/token", auth=client,
                            data={"grant_type": "authorization_code", "code": query.get("code", ""),
                                  "redirect_uri": self.provider.redirect_uri, "code_verifier": verifier})
        if answer.status_code != 200:
            return 401, answer.json(), {}
        self.pending.pop(state, None)
        part = answer.json()["id_token"].split(".")[1]
        claims = jsonlib.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        if self.mode == LINK_BY_EMAIL:
            found = next((m["id"] for m in self.members.values() if m["email"] == claims["email"]), None)
        else:
            found = self.links.get(claims["sub"])
            if found is None and any(m["email"] == claims["email"] for m in self.members.values()):
                return 409, {}, {}
        if found is None:
            found = self._member(claims["email"], claims["name"])["id"]
            self.links[claims["sub"]] = found
        return 200, self._tokens(found), {}


class NoTables:
    """A PgProbe with an empty database: no table can hold a raw key."""

    def rows(self, *_args: Any) -> list[Any]:
        return []


@pytest.fixture(scope="module")
def provider() -> Iterator[OAuthProvider]:
    started = OAuthProvider(redirect_uri=f"http://127.0.0.1:1{CALLBACK_PATH}").start()
    yield started
    started.stop()


def context(app: FakeClient, **params: Any) -> CheckContext:
    return CheckContext(http=app, app=None, run_id="rtest", seed=7, params=params,  # type: ignore[arg-type]
                        clock_control=app.clock, oauth_provider=app.provider,
                        pg_probe=NoTables())  # type: ignore[arg-type]


@pytest.mark.parametrize("check", [code_flow_uses_pkce, callback_checks_state, accounts_link_by_subject])
def test_a_correct_client_passes(provider: OAuthProvider, check: Any) -> None:
    check(context(FakeClient(provider)))


@pytest.mark.parametrize("mode, check, message", [
    (SAME_VERIFIER, code_flow_uses_pkce, "same code_challenge"),
    (NO_STATE_CHECK, callback_checks_state, "forged state"),
    (LINK_BY_EMAIL, accounts_link_by_subject, "same provider user (same sub) with a new e-mail"),
])
def test_each_mistake_fails_its_check_only(provider: OAuthProvider, mode: str, check: Any, message: str) -> None:
    with pytest.raises(Failure, match=message.replace("(", r"\(").replace(")", r"\)")):
        check(context(FakeClient(provider, mode)))
    others = {code_flow_uses_pkce, callback_checks_state, accounts_link_by_subject} - {check}
    for other in others:
        other(context(FakeClient(provider, mode)))


def test_the_state_check_names_the_provider_answer_when_the_app_breaks_the_exchange(provider: OAuthProvider) -> None:
    app = FakeClient(provider)
    app._authorize = lambda: FakeClient._authorize(app).replace("code_challenge_method=S256",  # type: ignore[method-assign]
                                                                "code_challenge_method=plain")
    with pytest.raises(Failure, match="the redirect's code_challenge_method is 'plain'"):
        code_flow_uses_pkce(context(app))
    with pytest.raises(Failure) as info:
        callback_checks_state(context(app))
    assert "must be S256, not plain" in str(info.value.actual)


@pytest.mark.parametrize("mode, message", [(CORRECT, None), (NEVER_EXPIRES, "grace period \\(3600 s\\) never ends"),
                                           (SLOW_REVOKE, "revoked API key still works")])
def test_api_key_rotation(provider: OAuthProvider, mode: str, message: str | None) -> None:
    ctx = context(FakeClient(provider, mode), grace_s=3600)
    if message is None:
        api_keys_rotate_and_revoke(ctx)
    else:
        with pytest.raises(Failure, match=message):
            api_keys_rotate_and_revoke(ctx)
    assert ctx.clock.offset_s == 0
