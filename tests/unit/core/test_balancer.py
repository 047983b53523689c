"""The balancer spreads connections over the instances and passes bytes through unchanged."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from harness.runner.balancer import Balancer


class _Upstream(http.server.ThreadingHTTPServer):
    # Set once a request line has arrived: whatever forwarded it has its connection open.
    requested: threading.Event


def _server(name: str) -> _Upstream:
    class Handler(http.server.BaseHTTPRequestHandler):
        def parse_request(self) -> bool:
            assert isinstance(self.server, _Upstream)
            self.server.requested.set()
            return super().parse_request()

        def do_POST(self) -> None:
            # A request cut short (the quiet-stop test's) arrives without its headers.
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(200)
            self.send_header("content-length", str(len(body) + len(name) + 1))
            self.end_headers()
            self.wfile.write(name.encode() + b":" + body)

        def log_message(self, *args: object) -> None:
            pass

    server = _Upstream(("127.0.0.1", 0), Handler)
    server.requested = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def upstreams() -> Iterator[list[_Upstream]]:
    servers = [_server("a"), _server("b")]
    yield servers
    for server in servers:
        server.shutdown()


@pytest.fixture
def balanced(upstreams: list[_Upstream]) -> Iterator[Balancer]:
    balancer = Balancer([("127.0.0.1", s.server_address[1]) for s in upstreams])
    balancer.start()
    yield balancer
    balancer.stop()


def test_new_connections_alternate_between_instances(balanced: Balancer) -> None:
    answers = []
    for _ in range(4):
        with httpx.Client() as client:  # a new connection each time
            answers.append(client.post(balanced.url, content=b"x" * 100_000).text[:2])
    assert answers == ["a:", "b:", "a:", "b:"]
    assert balanced.connections == [2, 2]


def test_large_bodies_pass_through_intact(balanced: Balancer) -> None:
    body = bytes(range(256)) * 4000
    with httpx.Client() as client:
        response = client.post(balanced.url, content=body)
    assert response.content[2:] == body


def test_stopping_with_open_connections_is_quiet(balanced: Balancer, upstreams: list[_Upstream],
                                                 caplog: pytest.LogCaptureFixture) -> None:
    # A connection still open when the run ends: stop() cancels its handler, which must end
    # without asyncio logging a traceback for it.
    host, port = balanced.url.removeprefix("http://").rstrip("/").split(":")
    with socket.create_connection((host, int(port))) as idle:
        idle.sendall(b"POST / HTTP/1.1\r\n")  # a request that has not finished arriving
        # Stopped while the handler pipes bytes: wait until its upstream has the request line.
        deadline = time.monotonic() + 60  # a bound on a hang, not a speed assumption
        while not any(s.requested.is_set() for s in upstreams):
            assert time.monotonic() < deadline, "the balancer never forwarded the request line"
            time.sleep(0.01)
        with caplog.at_level("ERROR", logger="asyncio"):
            balanced.stop()
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []
