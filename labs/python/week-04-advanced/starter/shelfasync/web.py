"""fetch: one HTTP GET over asyncio streams, given (the lab's work is crawl.py, which calls it)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Page:
    """A response: the URL asked for, its status code and its body."""

    url: str
    status: int
    body: bytes


async def fetch(url: str) -> Page:
    """GET `url` (http:// only) and read the response until the server closes the connection.

    Raises OSError when the server cannot be reached (ConnectionRefusedError, ...) and
    ValueError for a URL it cannot fetch or a response that is not HTTP. When the coroutine is
    cancelled, the connection is closed on the way out: the server sees the request given up.
    A status code of 404 or 500 is a Page, not an error.
    """
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"only http:// URLs can be fetched: {url!r}")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
    try:
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode("ascii"))
        await writer.drain()
        raw = await reader.read()  # Connection: close: the response ends when the server closes
    finally:
        writer.close()  # on a cancellation too
    head, blank, body = raw.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].split()
    if not blank or len(status) < 2 or not status[0].startswith(b"HTTP/") or not status[1].isdigit():
        raise ValueError(f"{url}: not an HTTP response ({len(raw)} bytes)")
    return Page(url, int(status[1]), body)
