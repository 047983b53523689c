"""The HTTP client checks use: every request can be shown as a curl line to reproduce it."""

from __future__ import annotations

import json as jsonlib
import shlex
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

T = TypeVar("T")
BODY_EXCERPT = 600


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


class AppClient:
    """A thin httpx wrapper bound to the app's base URL."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0, max_connections: int = 100) -> None:
        self.base_url = base_url.rstrip("/")
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout_s, limits=limits,
                                    follow_redirects=False)

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
        return self._client.request(method, path, content=content, headers=hdrs, params=params)

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
        """Run the calls at once (threads; httpx.Client is thread-safe), results in order."""
        if not calls:
            return []
        with ThreadPoolExecutor(max_workers=workers or len(calls)) as pool:
            return list(pool.map(lambda call: call(), calls))

    def close(self) -> None:
        self._client.close()
