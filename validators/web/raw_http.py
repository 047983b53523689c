"""HTTP/1.1 over a socket of the harness's own, for what an ordinary client hides: bytes after a
HEAD or 304 header block, and whether one connection carries several requests."""

from __future__ import annotations

import http.client
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from harness.outcomes import Failure

TIMEOUT_S = 10.0
# What the harness reads of a header block before it gives up on it (http.client allows 100
# lines of 64 KB; no app of a lab sends more than a few kilobytes).
MAX_HEAD_BYTES = 64 * 1024
# After the header block of a response that has no body, wait this long for stray bytes: a server
# that writes a body anyway writes it with the headers (same write, or the next tick).
STRAY_WAIT_S = 0.3


def read_head(sock: socket.socket) -> bytes:
    """Bytes up to the end of a header block (and what came with them), or up to the end of the
    connection; a block that goes on past MAX_HEAD_BYTES is refused (the app's, maybe a stranger's)."""
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > MAX_HEAD_BYTES:
            raise http.client.LineTooLong(f"a header block of more than {MAX_HEAD_BYTES // 1024} KB")
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def address(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def request_bytes(method: str, path: str, host: str, *, body: bytes = b"", headers: dict[str, str] | None = None,
                  close: bool = False) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass(frozen=True)
class Bodiless:
    """A response that must have no body, read to the end of its connection."""

    status: int
    headers: dict[str, str]  # lower-case names
    stray: bytes  # whatever came after the header block


def bodiless(base_url: str, method: str, path: str, headers: dict[str, str] | None = None) -> Bodiless:
    """Send one request with `Connection: close` and keep every byte the server sends after the
    header block (a HEAD answer or a 304 has none, RFC 9110 §9.3.2 and §15.4.5)."""
    try:
        return _bodiless(base_url, method, path, headers)
    except (OSError, http.client.HTTPException) as exc:
        raise Failure(f"{method} {path} got no readable answer", expected="a status line and headers",
                      actual=f"{type(exc).__name__}: {exc}".rstrip(": "),
                      hint="Answer every request, HEAD and conditional GETs included, with a status line and headers.",
                      reproduce=curl_line(method, path, headers)) from exc


def _bodiless(base_url: str, method: str, path: str, headers: dict[str, str] | None) -> Bodiless:
    host, port = address(base_url)
    with socket.create_connection((host, port), timeout=TIMEOUT_S) as sock:
        sock.sendall(request_bytes(method, path, f"{host}:{port}", headers=headers, close=True))
        data = read_head(sock)
        head, _, stray = data.partition(b"\r\n\r\n")
        sock.settimeout(STRAY_WAIT_S)
        try:
            while len(stray) < 65536:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                stray += chunk
        except (TimeoutError, ConnectionResetError):
            pass  # kept open (or reset) without writing more: no body
    lines = head.decode("latin-1").split("\r\n")
    status_line = lines[0].split(" ", 2)
    if len(status_line) < 2 or not status_line[1].isdigit():
        raise http.client.BadStatusLine(lines[0] or "nothing: the connection closed")
    parsed = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return Bodiless(int(status_line[1]), parsed, stray)


def curl_line(method: str, path: str, headers: dict[str, str] | None = None) -> str:
    words = ["curl", "-i"] + (["--head"] if method == "HEAD" else ["-X", method] if method != "GET" else [])
    for name, value in (headers or {}).items():
        words.append(f"-H '{name}: {value}'")
    return " ".join(words) + f' "http://localhost:$PORT{path}"'
