"""A Shelf-with-accounts stand-in for unit tests of the token checks: no node, no database.

It answers the few routes the token checks call, signs HS256 tokens with the harness's own
jwt_tools, and reads its wall clock through a shared offset that FakeClock moves, like
libfaketime moves the real app's. `mode` selects the bug to plant.
"""

from __future__ import annotations

import hashlib
import hmac
import json as jsonlib
import re
import secrets
import time
from email.utils import formatdate
from typing import Any

import httpx

from harness.validators.security import jwt_tools

VERIFY, DECODE_ONLY, IGNORE_EXP = "verify", "decode-only", "ignore-exp"
# RS256 app that also takes HS* tokens keyed with its own public key (CVE-2016-10555 style).
KEY_CONFUSION = "key-confusion"


class ShiftingClock:
    """The registry's Clock protocol, driving FakeShelf's time."""

    def __init__(self) -> None:
        self.offset_s = 0

    def shift(self, seconds: float) -> None:
        self.offset_s += round(seconds)

    def reset(self) -> None:
        self.offset_s = 0


class FakeShelf:
    def __init__(self, mode: str = VERIFY, clock: ShiftingClock | None = None, lifetime_s: int = 900,
                 rs256: tuple[dict[str, str], bytes] | None = None) -> None:
        """`rs256`: (public JWK, its PEM): tokens are "RS256", published at /.well-known/jwks.json."""
        self.mode = mode
        self.rs256 = rs256
        self.issued: set[str] = set()
        self.clock = clock or ShiftingClock()
        self.lifetime_s = lifetime_s
        self.secret = secrets.token_bytes(32)
        self.members: dict[str, dict[str, Any]] = {}

    def now(self) -> float:
        return time.time() + self.clock.offset_s

    # -- the AppClient surface the checks use --------------------------------------------
    def request(self, method: str, path: str, *, json: Any = None, content: Any = None,
                headers: dict[str, str] | None = None, params: Any = None) -> httpx.Response:
        request = httpx.Request(method, "http://127.0.0.1:1" + path, headers=headers or {},
                                content=jsonlib.dumps(json).encode() if json is not None else b"")
        status, body = self._route(method, path, json or {}, dict(request.headers))
        return httpx.Response(status, json=body, request=request,
                              headers={"date": formatdate(self.now(), usegmt=True)})

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    # -- routes --------------------------------------------------------------------------
    def _route(self, method: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        if path == "/health":
            return 200, {"status": "ok"}
        if path == "/.well-known/jwks.json" and self.rs256:
            return 200, {"keys": [{**self.rs256[0], "kid": "k1", "use": "sig"}]}
        if (method, path) == ("POST", "/v1/auth/register"):
            member = {"id": str(len(self.members) + 1), "email": body["email"], "name": body["name"],
                      "role": "member"}
            self.members[body["email"]] = {**member, "password": body["password"]}
            return 201, member
        if (method, path) == ("POST", "/v1/auth/login"):
            found = self.members.get(body.get("email", ""))
            if not found or found["password"] != body.get("password"):
                return 401, {"status": 401}
            now = int(self.now())
            claims = {"sub": found["id"], "role": found["role"], "iat": now, "nbf": now, "exp": now + self.lifetime_s}
            return 200, {"access_token": self._sign(claims),
                         "refresh_token": secrets.token_urlsafe(32), "token_type": "Bearer",
                         "expires_in": self.lifetime_s}
        caller = self._caller(headers.get("authorization", ""))
        if caller is None:
            return 401, {"status": 401}
        if (method, path) == ("GET", "/v1/me"):
            return 200, {"id": caller["sub"], "role": caller.get("role")}
        if method == "GET" and (m := re.fullmatch(r"/v1/members/([^/]+)/loans", path)):
            ok = caller.get("role") == "admin" or caller["sub"] == m.group(1)
            return (200, {"items": []}) if ok else (403, {"status": 403})
        if (method, path) == ("POST", "/v1/authors"):
            return (201, {"id": "1", "name": body.get("name")}) if caller.get("role") == "admin" else (403, {})
        return 404, {"status": 404}

    def _sign(self, claims: dict[str, Any]) -> str:
        if self.rs256 is None:
            return jwt_tools.hmac_sign({"alg": "HS256", "typ": "JWT"}, claims, self.secret)
        # No RSA here: an "RS256" token is valid when this app issued it, which is all the checks observe.
        token = jwt_tools.unsigned({"alg": "RS256", "typ": "JWT", "kid": "k1"}, claims,
                                   jwt_tools.b64url_encode(secrets.token_bytes(128)))
        self.issued.add(token)
        return token

    def _valid_signature(self, parsed: jwt_tools.Jwt) -> bool:
        if self.rs256 is not None:
            if parsed.alg == "RS256":
                return parsed.raw in self.issued
            if self.mode == KEY_CONFUSION and parsed.alg in jwt_tools.HMAC_DIGESTS:
                digest = jwt_tools.HMAC_DIGESTS[parsed.alg]
                expected = hmac.new(self.rs256[1], parsed.signing_input.encode(), digest).digest()
                return hmac.compare_digest(expected, parsed.signature)
            return False
        expected = hmac.new(self.secret, parsed.signing_input.encode(), hashlib.sha256).digest()
        return parsed.alg == "HS256" and hmac.compare_digest(expected, parsed.signature)

    def _caller(self, authorization: str) -> dict[str, Any] | None:
        token = authorization.removeprefix("Bearer ")
        try:
            parsed = jwt_tools.parse(token)
        except ValueError:
            return None
        if self.mode == DECODE_ONLY:
            return parsed.payload
        if not self._valid_signature(parsed):
            return None
        now = self.now()
        if self.mode != IGNORE_EXP and (parsed.payload.get("exp", 0) <= now or parsed.payload.get("nbf", 0) > now):
            return None
        return parsed.payload
