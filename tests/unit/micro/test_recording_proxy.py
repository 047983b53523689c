"""The recording proxy in front of a named process: it passes requests on as they came, records
them, closes the app's connection unanswered while the process is down, and holds answers back."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from harness.proc.named import RecordingProxy
from harness.services.base import free_port


class _Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = (self.headers.get("traceparent") or "none").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_requests_pass_as_they_came_and_are_recorded(upstream: http.server.ThreadingHTTPServer) -> None:
    proxy = RecordingProxy(int(upstream.server_address[1]))
    proxy.start()
    try:
        with httpx.Client(base_url=proxy.url) as client:
            first = client.get("/products", headers={"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"})
            second = client.get("/health")  # the same keep-alive connection
        assert (first.status_code, first.text) == (200, "00-" + "a" * 32 + "-" + "b" * 16 + "-01")
        assert second.status_code == 200
        seen = proxy.seen()
        assert [(s.method, s.path, s.forwarded) for s in seen] == [("GET", "/products", True), ("GET", "/health", True)]
        assert seen[0].headers["traceparent"].startswith("00-aaaa")
        assert proxy.received() == ["/products", "/health"] and proxy.held == 0
    finally:
        proxy.stop()


def test_a_dead_process_looks_dead() -> None:
    proxy = RecordingProxy(free_port())  # nothing listens there
    proxy.start()
    try:
        with pytest.raises(httpx.TransportError), httpx.Client(base_url=proxy.url) as client:
            client.get("/products")
        assert [(s.path, s.forwarded) for s in proxy.seen()] == [("/products", False)]
    finally:
        proxy.stop()


def test_held_counts_the_requests_waiting_inside_until_released(upstream: http.server.ThreadingHTTPServer) -> None:
    proxy = RecordingProxy(int(upstream.server_address[1]))
    proxy.hold()
    proxy.start()
    done: list[int] = []
    try:
        # Held until released, however long the three take to arrive: no read timeout of the client's
        # may end one meanwhile (httpx's default is 5 s), only the test's own bound below.
        workers = [threading.Thread(target=lambda: done.append(
            httpx.get(proxy.url + "/products", timeout=60).status_code)) for _ in range(3)]
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 30  # only a hang becomes a failure: the three stay held
        while proxy.held < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proxy.held == 3 and proxy.seen() == []  # received, not yet answered
        proxy.release()
        for worker in workers:
            worker.join()
        assert done == [200, 200, 200] and proxy.held == 0 and len(proxy.seen()) == 3
        assert httpx.get(proxy.url + "/products").status_code == 200, "released: later requests go straight on"
    finally:
        proxy.stop()
