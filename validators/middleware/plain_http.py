"""What the middleware checks share: one request on a connection of the harness's own that
keeps the body exactly as it came (httpx would undo a gzip encoding), Cache-Control's
directives, the signs of a server's insides in an error body, and waiting for a log line."""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from harness import expect, httpcap
from harness.registry import CheckContext

from ..web.raw_http import address

TIMEOUT_S = 10.0
# The app writes a request's log line as (or just after) it answers, and the harness reads the
# app's output from a pipe: a line may arrive a moment after the answer.
LOG_WAIT_S = 3.0
SHOWN = 120
# An absolute path of a file on the server (two folders deep or more, with an extension), as a
# stack frame or an error message names one; backslashes may come doubled, escaped in JSON.
SERVER_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\]+[\w.@-]+){2,}\.[A-Za-z]{1,5}\b")


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[str, str]  # lower-case names; a repeated header joined with ", "
    body: bytes  # as it came: still gzip'd when the answer says Content-Encoding: gzip


class NoAnswer(Exception):
    """The connection failed or the answer could not be read."""


def fetch(base_url: str, method: str, path: str, headers: Mapping[str, str] | None = None,
          body: bytes | None = None) -> RawAnswer:
    host, port = address(base_url)
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT_S)
    try:
        # skip_accept_encoding: http.client adds Accept-Encoding: identity unless told not to.
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        data = httpcap.read_capped(response, f"{method} {path}")
        merged: dict[str, str] = {}
        for name, value in response.getheaders():
            key = name.lower()
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
        return RawAnswer(response.status, merged, data)
    except (OSError, http.client.HTTPException) as exc:
        raise NoAnswer(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
    finally:
        conn.close()


def cache_directives(value: str | None) -> dict[str, str | None]:
    """Cache-Control as directive -> argument (None when it has none), names lower-cased."""
    out: dict[str, str | None] = {}
    for part in (value or "").split(","):
        name, sep, argument = part.strip().partition("=")
        if name.strip():
            out.setdefault(name.strip().lower(), argument.strip().strip('"') if sep else None)
    return out


def max_age(directives: Mapping[str, str | None]) -> int | None:
    value = directives.get("max-age")
    return int(value) if value is not None and value.isdigit() else None


def insides(text: str, project_dir: str | None = None) -> str | None:
    """What an error body shows of the server: a stack frame, a file's path, the project's folder."""
    leaked = expect.leaks(text)
    if leaked:
        # A stack in a JSON string is one line: its pattern runs to the end of it.
        return leaked if len(leaked) <= SHOWN else leaked[:SHOWN] + "…"
    if project_dir and project_dir in text:
        return project_dir
    match = SERVER_PATH.search(text)
    return match.group(0) if match else None


def wait_for_log(ctx: CheckContext, needle: str, lines: int = 400) -> str | None:
    """The last line of the app's output that holds `needle`, waiting a little for it to arrive."""
    deadline = time.monotonic() + LOG_WAIT_S
    while True:
        found = [line for line in ctx.app.log_tail(lines).splitlines() if needle in line]
        if found:
            return found[-1].strip()
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.1)
