"""Clients of GET /v1/books/stream: a reading one (httpx, lines as they arrive) and a stalled
one (a raw socket that sends the request and never reads)."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from harness import httpcap
from harness.context import CheckContext
from harness.httpclient import tls_context
from harness.outcomes import Failure
from harness.services.feed import FeedStream

PATH = "/v1/books/stream"
FEED_PATH = "/v1/feed/books"
REPRODUCE = f"curl -N -H 'Accept: application/x-ndjson' http://localhost:$PORT{PATH}"
# The stalled client's receive buffer, fixed (the kernel doubles it and stops tuning it).
STALLED_RECEIVE_BUFFER = 16 * 1024


@contextlib.contextmanager
def reading(ctx: CheckContext, read_timeout_s: float) -> Iterator[httpx.Response]:
    """The stream's response, its body not read yet; leaving closes the connection."""
    timeout = httpx.Timeout(10.0, read=read_timeout_s)
    with httpcap.client(base_url=ctx.http.base_url, timeout=timeout, verify=tls_context()) as client, \
            client.stream("GET", PATH, headers={"Accept": "application/x-ndjson"}) as response:
        yield response


def parse_line(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


class Stalled:
    """A client that asks for the stream and then reads nothing: what it left unread stays in
    its socket, where `unread_lines` counts it without taking it."""

    def __init__(self, ctx: CheckContext) -> None:
        parts = urlsplit(ctx.http.base_url)
        self.app_port = int(parts.port or 80)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, STALLED_RECEIVE_BUFFER)
        self.sock.settimeout(10)
        self.sock.connect((parts.hostname or "127.0.0.1", self.app_port))
        self.port = int(self.sock.getsockname()[1])
        self.sock.sendall(f"GET {PATH} HTTP/1.1\r\nHost: localhost:{self.app_port}\r\n"
                          "Accept: application/x-ndjson\r\n\r\n".encode())
        # From here on it only peeks: a peek never waits (a socket with a timeout would).
        self.sock.setblocking(False)

    def unread(self, size: int) -> bytes:
        try:
            return self.sock.recv(max(size, 1), socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except OSError:  # nothing there yet (BlockingIOError), or the app reset the connection
            return b""

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


# How long the app may take to ask the feed once a client asked it: a request on loopback,
# made as the stream is subscribed (seconds only on a machine under heavy load).
CONNECT_S = 15.0


def never_asked(what_came: str, waited_s: float = CONNECT_S) -> Failure:
    """The app did not open the feed for a stream request: nothing else can be judged."""
    when = "answered without requesting" if what_came else f"did not request within {waited_s:.0f} s"
    return Failure(
        f"GET {PATH} {when} the feed (GET $FEED_URL{FEED_PATH})",
        expected="one request to the feed per stream, made when the stream is requested; then "
                 "200 application/x-ndjson, the feed's books one per line",
        actual=what_came or "no answer and no request to the feed",
        hint="Build Feed.books() (WebClient: get().uri(\"/v1/feed/books\").retrieve().bodyToFlux(Book.class)) "
             "and return it from the stream's controller method; the feed's address is FEED_URL.",
        reproduce=REPRODUCE,
    )


def wait_asked(stream: FeedStream, client: Stalled) -> None:
    """Until the app requested the feed; a Failure when it answered the client without doing so."""
    deadline = time.monotonic() + CONNECT_S
    while not stream.wait_connected(0.05):
        head = client.unread(4096)
        answered = b"\r\n\r\n" in head and not head.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))
        if answered or time.monotonic() > deadline:
            raise never_asked(head.decode("latin-1").split("\r\n", 1)[0] if answered else "")
