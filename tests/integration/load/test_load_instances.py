"""Several instances: the open model takes them in turn per request, a connection pool each,
and the result says where the CPU went, its own share included."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harness.load import cpusplit

from .bench_helpers import bench


class _Counting(ThreadingHTTPServer):
    daemon_threads = True
    requests = 0
    lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the generator's pool reuses connections

    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, _Counting)
        with server.lock:
            server.requests += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def instances() -> Iterator[list[_Counting]]:
    servers = [_Counting(("127.0.0.1", 0), _Handler) for _ in range(2)]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def test_each_instance_gets_every_other_request(tmp_path: Path, instances: list[_Counting]) -> None:
    urls = [f"http://127.0.0.1:{s.server_address[1]}" for s in instances]
    run = bench(tmp_path, urls[0], urls[1], "--rate", "100", "--duration", "3s", "--quiet")
    assert run.code in (0, 1), run.explain()
    counts = [s.requests for s in instances]
    # Round-robin per request from one worker: the two counts differ by the odd one at most.
    assert sum(counts) >= run.result["requests"] > 0
    assert abs(counts[0] - counts[1]) <= 1, counts
    assert run.result["targets"] == urls
    split = run.result["cpu_split"]
    assert set(split["sides"]) == {cpusplit.HARNESS_SIDE, cpusplit.APP_SIDE, cpusplit.SERVICES_SIDE,
                                   cpusplit.OUTSIDE}
    assert any(p["name"] == cpusplit.GENERATOR for p in split["parties"]), split
    assert "harness_percent_of_machine" in split
