"""The refresh-rotation reproduce steps, run by bash against a small real server: they show 401
where the app rotates and revokes, and the 200 of the bug where it does not."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from harness.validators.security.account_setup import Account, Tokens
from harness.validators.security.refresh_steps import logout_steps, reuse_steps

EMAIL, PASSWORD = "grace.hopper@example.com", "it's a Pw-0123456789"  # a quote the shell must keep


class Sessions:
    """What the server remembers: refresh tokens by family, spent ones, revoked families."""

    def __init__(self, *, rotates: bool) -> None:
        self.rotates = rotates
        self.family: dict[str, str] = {}
        self.spent: set[str] = set()
        self.revoked: set[str] = set()

    def issue(self, family: str) -> dict[str, str]:
        token = secrets.token_urlsafe(16)
        self.family[token] = family
        return {"access_token": "access-" + family, "refresh_token": token}

    def refresh(self, token: str) -> tuple[int, object]:
        family = self.family.get(token)
        if family is None or (self.rotates and (family in self.revoked or token in self.spent)):
            if family is not None:
                self.revoked.add(family)
            return 401, {"title": "invalid refresh token"}
        self.spent.add(token)
        return 200, self.issue(family)


def serve(state: Sessions) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])) or b"{}")
            status: int = 404
            answer: object = {}
            if self.path == "/v1/auth/register":
                status, answer = 201, {"id": 1}
            elif self.path == "/v1/auth/login":
                ok = (body.get("email"), body.get("password")) == (EMAIL, PASSWORD)
                status, answer = (200, state.issue(secrets.token_hex(4))) if ok else (401, {})
            elif self.path == "/v1/auth/refresh":
                status, answer = state.refresh(str(body.get("refresh_token")))
            elif self.path == "/v1/auth/logout" and self.headers.get("authorization", "").startswith("Bearer access-"):
                family = state.family.get(str(body.get("refresh_token")))
                if family is not None and state.rotates:
                    state.revoked.add(family)
                status, answer = 204, None
            data = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _account_and_login() -> tuple[Account, Tokens]:
    register = httpx.Request("POST", "http://127.0.0.1:9/v1/auth/register",
                             json={"email": EMAIL, "password": PASSWORD, "name": "Grace Hopper"})
    login = httpx.Request("POST", "http://127.0.0.1:9/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    account = Account(EMAIL, PASSWORD, "Grace Hopper", "1", {}, httpx.Response(201, request=register))
    tokens = Tokens("", "", {}, httpx.Response(200, request=login))
    return account, tokens


@pytest.fixture(params=[True, False], ids=["rotates", "reuse-accepted"])
def app(request: pytest.FixtureRequest) -> Iterator[tuple[bool, int]]:
    server = serve(Sessions(rotates=request.param))
    yield request.param, server.server_address[1]
    server.shutdown()


def _statuses(steps: str, port: int) -> list[int]:
    # The steps are what a learner runs: without curl and jq here they prove nothing, so the test fails
    # (.ci/run installs both).
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    assert not missing, f"the reproduce steps need {', '.join(missing)}: apt-get install {' '.join(missing)}"
    run = subprocess.run(["bash", "-c", steps], capture_output=True, text=True, timeout=30,
                         env={**os.environ, "PORT": str(port)})
    assert run.returncode == 0, run.stderr
    return [int(code) for code in re.findall(r"^HTTP/1\.[01] (\d{3})", run.stdout, re.MULTILINE)]


def test_the_reuse_steps_show_what_the_check_saw(app: tuple[bool, int]) -> None:
    rotates, port = app
    assert _statuses(reuse_steps(*_account_and_login()), port) == ([401, 401] if rotates else [200, 200])


def test_the_logout_steps_show_what_the_check_saw(app: tuple[bool, int]) -> None:
    rotates, port = app
    assert _statuses(logout_steps(*_account_and_login()), port) == ([401] if rotates else [200])
