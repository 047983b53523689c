"""An OAuth 2.0 / OpenID Connect provider on loopback: the identity provider of labs whose
lab.toml lists the service "oauth".

It knows one client, the app: a client id, a secret and one redirect URI, all given to the
app as OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET and OAUTH_REDIRECT_URI, with OAUTH_ISSUER (its
discovery document is at OAUTH_ISSUER/.well-known/openid-configuration). It implements the
authorization code flow as RFC 6749, RFC 7636 (PKCE) and OpenID Connect Core say, and is
strict where a lenient provider would hide an app's mistake: PKCE with S256 is required, the
redirect URI must match exactly, a code is single use, lives 60 s and is bound to its client,
redirect URI and code challenge. Its id_tokens are RS256 with the key of its jwks_uri; its
userinfo endpoint answers the same claims for its access token.

The harness plays the browser and the user: a check follows the app's redirect to
/authorize, gets the login page, and posts the user it wants (`login`) to /login, which
redirects to the app's callback with a code and the state. Everything the app sent is
recorded (`authorizations`, `token_requests`), so a check can judge what the app did.
It runs in threads of its own and listens on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from harness.services.oauth_rsa import RsaKey, shared_key

# Where the app receives the code: its redirect URI is the app's address and this path.
CALLBACK_PATH = "/v1/auth/oauth/callback"
CODE_TTL_S = 60.0
TOKEN_TTL_S = 300
# RFC 7636 §4.1: 43 to 128 characters of the unreserved set.
VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_BODY_LIMIT = 64 * 1024


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")


def _b64json(obj: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class User:
    """Who logs in at the provider: `sub` is its stable identifier, the e-mail may change."""

    sub: str
    email: str
    name: str
    email_verified: bool = True

    def claims(self) -> dict[str, Any]:
        return {"sub": self.sub, "email": self.email, "email_verified": self.email_verified, "name": self.name}


@dataclass
class Authorization:
    """One request to /authorize, as the app's redirect sent it, and what the provider made of it."""

    params: dict[str, str]
    request_id: str
    error: str | None = None
    code: str | None = None  # issued once the user logged in
    user: User | None = None


@dataclass
class TokenRequest:
    """One request to /token: the form as sent, how the client authenticated, the verdict."""

    form: dict[str, str]
    client_auth: str  # "client_secret_basic", "client_secret_post" or "none"
    status: int = 0
    error: str | None = None
    error_description: str | None = None


@dataclass
class _Code:
    authorization: Authorization
    expires: float
    used: bool = False


@dataclass
class OAuthProvider:
    redirect_uri: str
    client_id: str = field(default_factory=lambda: f"shelf-{secrets.token_hex(4)}")
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    authorizations: list[Authorization] = field(default_factory=list)
    token_requests: list[TokenRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, tuple[User, float]] = {}
        self._pending: dict[str, Authorization] = {}
        self._server: ThreadingHTTPServer | None = None
        self._key: RsaKey | None = None
        # The key is made while the app installs and starts: nobody waits for it.
        self._key_ready = threading.Thread(target=self._make_key, name="oauth-key", daemon=True)

    def _make_key(self) -> None:
        self._key = shared_key()

    @property
    def key(self) -> RsaKey:
        self._key_ready.join()
        assert self._key is not None
        return self._key

    @property
    def issuer(self) -> str:
        assert self._server is not None, "start() the provider first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self) -> dict[str, str]:
        """What the app is given."""
        return {"OAUTH_ISSUER": self.issuer, "OAUTH_CLIENT_ID": self.client_id,
                "OAUTH_CLIENT_SECRET": self.client_secret, "OAUTH_REDIRECT_URI": self.redirect_uri}

    def discovery(self) -> dict[str, Any]:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified", "name"],
        }

    def start(self) -> OAuthProvider:
        provider = self

        class Handler(_Handler):
            owner = provider

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll: stop() waits for the serving loop to notice, at every run's end.
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         name="oauth-provider", daemon=True).start()
        self._key_ready.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- what the checks read ----------------------------------------------------------------

    def authorization_for(self, code: str) -> Authorization | None:
        with self._lock:
            found = self._codes.get(code)
            return found.authorization if found else None

    def exchanges_of(self, code: str) -> list[TokenRequest]:
        with self._lock:
            return [r for r in self.token_requests if r.form.get("code") == code]

    # -- the endpoints -------------------------------------------------------------------------

    def authorize(self, params: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """(status, headers, HTML): the login page, an error page, or an error redirect."""
        record = Authorization(dict(params), secrets.token_urlsafe(12))
        with self._lock:
            self.authorizations.append(record)
        # RFC 6749 §4.1.2.1: with a wrong client or redirect URI, never redirect.
        if params.get("client_id") != self.client_id:
            record.error = f"unknown client_id {params.get('client_id')!r} (registered: {self.client_id})"
            return 400, {}, _page("Unknown client", record.error)
        if params.get("redirect_uri") != self.redirect_uri:
            record.error = (f"redirect_uri {params.get('redirect_uri')!r} is not the registered one "
                            f"({self.redirect_uri}): they must match exactly")
            return 400, {}, _page("Wrong redirect_uri", record.error)
        problem = _authorize_problem(params)
        if problem:
            record.error = problem
            return 302, {"Location": _with_query(self.redirect_uri, {
                "error": "invalid_request", "error_description": problem,
                **({"state": params["state"]} if "state" in params else {})})}, ""
        with self._lock:
            self._pending[record.request_id] = record
        return 200, {}, _login_page(record.request_id)

    def login(self, request_id: str, user: User) -> tuple[int, dict[str, str], str]:
        """The user submitted the login page: redirect to the app with a code and the state."""
        with self._lock:
            record = self._pending.pop(request_id, None)
            if record is None:
                return 400, {}, _page("Unknown login", "this login page was already used or never shown")
            code = secrets.token_urlsafe(24)
            record.code, record.user = code, user
            self._codes[code] = _Code(record, time.monotonic() + CODE_TTL_S)
        query = {"code": code, **({"state": record.params["state"]} if "state" in record.params else {}),
                 "iss": self.issuer}  # RFC 9207
        return 302, {"Location": _with_query(self.redirect_uri, query)}, ""

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        client_id, secret, how = _client_credentials(form, authorization)
        request = TokenRequest(dict(form), how)
        with self._lock:
            self.token_requests.append(request)
            status, body = self._token(form, client_id, secret)
        request.status = status
        if status != 200:
            request.error, request.error_description = body.get("error"), body.get("error_description")
        return status, body

    def _token(self, form: dict[str, str], client_id: str | None, secret: str | None) -> tuple[int, dict[str, Any]]:
        def error(status: int, code: str, description: str) -> tuple[int, dict[str, Any]]:
            return status, {"error": code, "error_description": description}

        if client_id != self.client_id or not secrets.compare_digest(secret or "", self.client_secret):
            return error(401, "invalid_client", "client authentication failed: send OAUTH_CLIENT_ID and "
                         "OAUTH_CLIENT_SECRET with HTTP Basic (client_secret_basic) or in the form")
        if form.get("grant_type") != "authorization_code":
            return error(400, "unsupported_grant_type", "grant_type must be authorization_code")
        found = self._codes.get(form.get("code", ""))
        if found is None:
            return error(400, "invalid_grant", "unknown code")
        if found.used:
            return error(400, "invalid_grant", "this code was already exchanged: a code is single use")
        found.used = True  # spent by any attempt, even a failed one (RFC 6749 §4.1.2)
        if time.monotonic() > found.expires:
            return error(400, "invalid_grant", f"the code expired ({CODE_TTL_S:.0f} s)")
        params = found.authorization.params
        if form.get("redirect_uri") != params.get("redirect_uri"):
            return error(400, "invalid_grant", "redirect_uri differs from the authorization request's")
        verifier = form.get("code_verifier")
        if verifier is None:
            return error(400, "invalid_grant", "code_verifier is missing (PKCE, RFC 7636 §4.5)")
        if not VERIFIER.match(verifier):
            return error(400, "invalid_grant", "code_verifier must be 43-128 characters of [A-Za-z0-9-._~]")
        if s256(verifier) != params.get("code_challenge"):
            return error(400, "invalid_grant", "BASE64URL(SHA256(code_verifier)) is not the code_challenge")
        user = found.authorization.user
        assert user is not None
        access = secrets.token_urlsafe(24)
        self._access[access] = (user, time.time() + TOKEN_TTL_S)
        return 200, {"access_token": access, "token_type": "Bearer", "expires_in": TOKEN_TTL_S,
                     "scope": params.get("scope", ""), "id_token": self.id_token(user, params.get("nonce"))}

    def id_token(self, user: User, nonce: str | None, *, issued: float | None = None) -> str:
        now = int(issued if issued is not None else time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + TOKEN_TTL_S,
                  "auth_time": now, **user.claims(), **({"nonce": nonce} if nonce else {})}
        key = self.key
        signing_input = f"{_b64json({'alg': 'RS256', 'typ': 'JWT', 'kid': key.kid})}.{_b64json(claims)}"
        signature = base64.urlsafe_b64encode(key.sign(signing_input.encode())).rstrip(b"=").decode()
        return f"{signing_input}.{signature}"

    def userinfo(self, authorization: str | None) -> tuple[int, dict[str, Any]]:
        token = (authorization or "").removeprefix("Bearer ").strip()
        with self._lock:
            found = self._access.get(token)
        if found is None or found[1] < time.time():
            return 401, {"error": "invalid_token"}
        return 200, found[0].claims()


def _authorize_problem(params: dict[str, str]) -> str | None:
    if params.get("response_type") != "code":
        return "response_type must be code (the authorization code flow)"
    if "openid" not in params.get("scope", "").split():
        return "scope must include openid"
    method = params.get("code_challenge_method")
    if "code_challenge" not in params:
        return "code_challenge is missing: PKCE is required (RFC 7636, RFC 9700 §2.1.1)"
    if method != "S256":
        return f"code_challenge_method must be S256, not {method or 'absent (which means plain)'}"
    if not CHALLENGE.match(params["code_challenge"]):
        return "code_challenge must be BASE64URL(SHA256(code_verifier)): 43 characters, no padding"
    return None


def _client_credentials(form: dict[str, str], authorization: str | None) -> tuple[str | None, str | None, str]:
    if authorization and authorization.startswith("Basic "):
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode()
        except ValueError:
            return None, None, "client_secret_basic"
        user, _, password = decoded.partition(":")
        from urllib.parse import unquote_plus  # RFC 6749 §2.3.1: both parts form-encoded

        return unquote_plus(user), unquote_plus(password), "client_secret_basic"
    if "client_secret" in form:
        return form.get("client_id"), form["client_secret"], "client_secret_post"
    return form.get("client_id"), None, "none"


def _with_query(url: str, query: dict[str, str]) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(query)}"


def _page(title: str, text: str) -> str:
    return f"<!doctype html><title>{html.escape(title)}</title><h1>{html.escape(title)}</h1><p>{html.escape(text)}"


def _login_page(request_id: str) -> str:
    return ("<!doctype html><title>Sign in</title><form method=post action=/login>"
            f'<input type=hidden name="request_id" value="{html.escape(request_id)}">'
            '<input name="sub" value="user-1"><input name="email" value="ada.lovelace@example.org">'
            '<input name="name" value="Ada Lovelace"><button>Sign in</button></form>')


LOGIN_REQUEST = re.compile(r'name="request_id" value="([^"]+)"')


class _Handler(BaseHTTPRequestHandler):
    owner: OAuthProvider
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, body: dict[str, Any]) -> None:
        self._send(status, json.dumps(body).encode(), "application/json")

    def _html(self, answer: tuple[int, dict[str, str], str]) -> None:
        status, headers, page = answer
        self._send(status, page.encode(), "text/html; charset=utf-8", headers)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, _BODY_LIMIT)).decode("utf-8", errors="replace")
        return dict(parse_qsl(raw, keep_blank_values=True))

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        provider = self.owner
        if url.path == "/.well-known/openid-configuration":
            self._json(200, provider.discovery())
        elif url.path == "/jwks":
            self._json(200, {"keys": [provider.key.jwk()]})
        elif url.path == "/authorize":
            self._html(provider.authorize(dict(parse_qsl(url.query, keep_blank_values=True))))
        elif url.path == "/userinfo":
            self._json(*provider.userinfo(self.headers.get("Authorization")))
        else:
            self._json(404, {"error": "not_found", "error_description": f"no {url.path} here"})

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        provider = self.owner
        form = self._form()
        if url.path == "/token":
            self._json(*provider.token(form, self.headers.get("Authorization")))
        elif url.path == "/login":
            user = User(form.get("sub") or "user-1", form.get("email") or "ada.lovelace@example.org",
                        form.get("name") or "Ada Lovelace", form.get("email_verified", "true") != "false")
            self._html(provider.login(form.get("request_id", ""), user))
        elif url.path == "/userinfo":
            self._json(*provider.userinfo(self.headers.get("Authorization")))
        else:
            self._json(404, {"error": "not_found", "error_description": f"no {url.path} here"})
