"""The HTTP client checks use: every request can be shown as a curl line to reproduce it."""

from __future__ import annotations

import functools
import json as jsonlib
import shlex
import ssl
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from harness import httpcap

T = TypeVar("T")
BODY_EXCERPT = 600

# Servers close keep-alive connections left idle: gunicorn after 2 s, uvicorn and Node after
# 5 s, Tomcat after 20 s. The client drops its own idle connections well before the shortest
# of them, so a check that follows a quiet one does not send on a connection being closed.
KEEPALIVE_EXPIRY_S = 1.0
# Methods a client may send again (RFC 9110 9.2.2): once, when the first try failed on a
# reused connection before any byte of an answer came back (the server closed it meanwhile).
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_STALE_ERRORS = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every client of the process. httpx builds one per client by default,
    loading the CA bundle into it (about 65 ms of CPU each, three or more per check run), while
    the harness's clients talk plain HTTP to an app on loopback nearly always."""
    return httpx.create_ssl_context()


def curl_for(request: httpx.Request, *, port_placeholder: bool = True) -> str:
    """A curl command that sends the same request; the port becomes $PORT."""
    url = str(request.url)
    if port_placeholder:
        parts = urlsplit(url)
        url = url.replace(f"{parts.scheme}://{parts.netloc}", "http://localhost:$PORT", 1)
    words = ["curl", "-i"]
    if request.method != "GET":
        words += ["-X", request.method]
    skip = {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length"}
    for name, value in request.headers.items():
        if name.lower() not in skip:
            words += ["-H", f"{name}: {value}"]
    body = request.content
    if body:
        words += ["--data-raw", body.decode("utf-8", errors="replace")]
    quoted = " ".join(shlex.quote(w) for w in words)
    # $PORT must stay expandable by the learner's shell.
    return f"{quoted} \"{url}\"" if "$PORT" in url else f"{quoted} {shlex.quote(url)}"


def excerpt(response: httpx.Response, limit: int = BODY_EXCERPT) -> str:
    try:
        text = response.text
    except Exception:  # undecodable bodies are still evidence
        text = repr(response.content[:limit])
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def describe(response: httpx.Response) -> str:
    """`POST /v1/books -> 200 application/json {...}`: the exchange in one line or two."""
    request = response.request
    path = request.url.raw_path.decode("ascii", errors="replace")
    ctype = response.headers.get("content-type", "no content-type")
    body = excerpt(response)
    return f"{request.method} {path} -> {response.status_code} ({ctype})" + (f"\n{body}" if body else "")


class _Attempt:
    """What httpcore's trace events tell about one try: a new connection? an answer begun?"""

    def __init__(self) -> None:
        self.connected = False
        self.answered = False

    def trace(self, event: str, _info: Mapping[str, Any]) -> None:
        if event.startswith("connection.connect_tcp."):
            self.connected = True
        elif event.startswith(("http11.receive_response_headers.complete", "http2.receive_response_headers.complete")):
            self.answered = True

    @property
    def stale_connection(self) -> bool:
        """The try reused a pooled connection and got no byte of an answer from it."""
        return not self.connected and not self.answered


class AppClient:
    """A thin httpx wrapper bound to the app's base URL."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0, max_connections: int = 100) -> None:
        self.base_url = base_url.rstrip("/")
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections,
                              keepalive_expiry=KEEPALIVE_EXPIRY_S)
        # Capped answers (harness/httpcap.py): the app is the learner's, in grading a stranger's.
        self._client = httpcap.client(base_url=self.base_url, timeout=timeout_s, limits=limits, verify=tls_context())
        # The retry goes out on a connection of its own: the pool's other idle connections
        # may be as stale as the one that failed.
        self._fresh = httpcap.client(base_url=self.base_url, timeout=timeout_s, verify=tls_context(),
                                     limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=0))
        self.retries = 0  # requests sent again after a stale connection (read by tests)
        self._retries_lock = threading.Lock()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> httpx.Response:
        hdrs = dict(headers or {})
        if json is not None:
            # Serialised here so the curl line shows exactly the bytes that were sent.
            content = jsonlib.dumps(json)
            hdrs.setdefault("content-type", "application/json")
        attempt = _Attempt()
        try:
            return self._client.request(method, path, content=content, headers=hdrs, params=params,
                                        extensions={"trace": attempt.trace})
        except _STALE_ERRORS:
            if method.upper() not in IDEMPOTENT or not attempt.stale_connection:
                raise
        with self._retries_lock:
            self.retries += 1
        return self._fresh.request(method, path, content=content, headers=hdrs, params=params)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("OPTIONS", path, **kwargs)

    def concurrently(self, calls: Sequence[Callable[[], T]], *, workers: int | None = None) -> list[T]:
        """Run the calls at once (threads; httpx.Client is thread-safe), results in order. Their
        answers share one read budget (httpcap.Budget): past it, every one still being read stops."""
        if not calls:
            return []
        budget = httpcap.Budget(len(calls))

        def run(call: Callable[[], T]) -> T:
            with httpcap.sharing(budget):
                return call()

        with ThreadPoolExecutor(max_workers=workers or len(calls)) as pool:
            return list(pool.map(run, calls))

    def close(self) -> None:
        self._client.close()
        self._fresh.close()
