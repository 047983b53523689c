"""What the harness reads of an app's answer is capped (harness/httpcap.py), against a real HTTP
server on loopback: an answer that never ends, a gzip or brotli body that inflates past the cap,
and a header block without end stop with a named error; an answer under the cap reads whole;
answers to requests sent at once stop when they reach the cap together."""

from __future__ import annotations

import gzip
import http.client
import socket
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harness import httpcap
from harness.httpclient import AppClient
from harness.outcomes import Status
from harness.registry import CheckContext, CheckSpec
from harness.runner import execute
from validators.web import raw_http

CAP = httpcap.MAX_BODY_BYTES
ZEROS_GZIP = gzip.compress(bytes(CAP + 1024 * 1024), compresslevel=9)  # about 33 MB of zeros in ~33 KB
ZEROS_DEFLATE = zlib.compress(bytes(CAP + 1024 * 1024), 9)
BLOCK = b"x" * 65536


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _chunked(self, chunks: Iterator[bytes], encoding: str | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        try:
            for chunk in chunks:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the harness stopped reading: what it should do
        self.close_connection = True

    def do_GET(self) -> None:
        if self.path == "/endless":
            self._chunked(iter(lambda: BLOCK, b""))
        elif self.path == "/gzip-bomb":
            self._chunked((ZEROS_GZIP[i:i + 4096] for i in range(0, len(ZEROS_GZIP), 4096)), "gzip")
        elif self.path == "/deflate-bomb":
            self._chunked((ZEROS_DEFLATE[i:i + 4096] for i in range(0, len(ZEROS_DEFLATE), 4096)), "deflate")
        elif self.path == "/gzip-small":
            self._chunked(iter([gzip.compress(b'{"ok": true}')]), "gzip")
        elif self.path == "/big-but-under":
            self._chunked(BLOCK for _ in range((CAP - 1024) // len(BLOCK)))
        elif self.path == "/endless-head":
            self.send_response_only(200)
            try:
                while True:
                    self.wfile.write(b"X-Filler: " + b"a" * 1000 + b"\r\n")
            except OSError:
                pass
            self.close_connection = True
        else:
            self._chunked(iter([b'{"ok": true}']))


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/endless", "/gzip-bomb", "/deflate-bomb"])
def test_an_answer_past_the_cap_stops_with_a_named_error(base: str, path: str) -> None:
    client = AppClient(base)
    try:
        with pytest.raises(httpcap.BodyTooLarge) as raised:
            client.get(path)
    finally:
        client.close()
    assert raised.value.what == f"GET {path}"
    assert "went on past 32 MB" in str(raised.value)


def test_a_brotli_body_is_counted_inflated_where_httpx_inflates_it(base: str) -> None:
    brotli = pytest.importorskip("brotli")
    bomb = brotli.compress(bytes(CAP + 1024 * 1024), quality=5)
    stream = httpcap._CappedStream(_Bytes([bomb[i:i + 4096] for i in range(0, len(bomb), 4096)]),
                                   "GET /br", ["br"], CAP)
    with pytest.raises(httpcap.BodyTooLarge):
        for _ in stream:
            pass


class _Bytes(httpcap.httpx.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks


def test_answers_under_the_cap_are_read_whole_and_decoded(base: str) -> None:
    client = AppClient(base)
    try:
        assert client.get("/gzip-small").json() == {"ok": True}
        assert len(client.get("/big-but-under").content) == (CAP - 1024) // len(BLOCK) * len(BLOCK)
        assert client.get("/plain").json() == {"ok": True}
    finally:
        client.close()


class _AliveApp:
    def alive(self) -> bool:
        return True

    def log_tail(self, lines: int = 20) -> str:
        return ""


def test_a_check_that_meets_an_endless_answer_fails_and_says_so(base: str) -> None:
    client = AppClient(base)

    def func(ctx: CheckContext) -> None:
        ctx.http.get("/endless")

    spec = CheckSpec("a.b.lists", func, "A check.", "A check.", 1.0, frozenset(), 30.0)
    ctx = CheckContext(http=client, app=_AliveApp(), run_id="r", seed=1)  # type: ignore[arg-type]
    try:
        result = execute.run_check(execute.Planned(spec, 1.0, False), ctx)
    finally:
        client.close()
    assert result.status is Status.FAIL
    assert result.message == "the answer to GET /endless went on past 32 MB: the harness stopped reading it"
    assert result.reproduce is not None
    assert result.reproduce.startswith('curl -s --compressed "http://localhost:$PORT"/endless | head -c 33554433'), \
        result.reproduce


def test_http_client_answers_and_header_blocks_are_capped(base: str) -> None:
    host, port = raw_http.address(base)
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", "/endless")
        with pytest.raises(httpcap.BodyTooLarge):
            httpcap.read_capped(conn.getresponse(), "GET /endless")
    finally:
        conn.close()
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(raw_http.request_bytes("GET", "/endless-head", f"{host}:{port}"))
        with pytest.raises(http.client.LineTooLong):
            raw_http.read_head(sock)


class _Counting(_Handler):
    sent = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        if self.path != "/endless":
            super().do_GET()
            return

        def counted() -> Iterator[bytes]:
            while True:
                with _Counting.lock:
                    _Counting.sent += len(BLOCK)
                yield BLOCK
        self._chunked(counted())


def test_answers_to_a_burst_stop_at_the_cap_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst of 20 endless answers is read to 32 MB in all, not 32 MB each (640 MB of the
    harness's memory, and as much for the app to write); each call fails, naming the burst."""
    budgets: list[httpcap.Budget] = []

    class Recorded(httpcap.Budget):
        def __init__(self, requests: int, limit: int = CAP) -> None:
            super().__init__(requests, limit)
            budgets.append(self)

    monkeypatch.setattr(httpcap, "Budget", Recorded)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = AppClient(f"http://127.0.0.1:{server.server_address[1]}")
    try:
        with pytest.raises(httpcap.BodyTooLarge) as raised:
            client.concurrently([lambda: client.get("/endless")] * 20)
        assert client.get("/plain").status_code == 200, "a request after the burst has a budget of its own"
    finally:
        client.close()
        server.shutdown()
        server.server_close()
    assert raised.value.together == 20
    assert "the answers to 20 requests sent at once (GET /endless among them) went on past 32 MB together" \
        in str(raised.value)
    # Read: the cap, and at most a chunk more by each reader that was reading when it was reached.
    assert [budget.requests for budget in budgets] == [20]
    assert CAP < budgets[0].spent <= CAP + 20 * 1024 * 1024, budgets[0].spent
    # What the server got out: that, and what the sockets' buffers took in before the readers
    # closed them (loopback buffers grow to several MB each: measured up to 105 MB in all on a busy
    # machine), far from 20 caps.
    assert _Counting.sent < 20 * CAP / 2, _Counting.sent


def test_small_answers_to_a_burst_read_whole(base: str) -> None:
    client = AppClient(base)
    try:
        answers = client.concurrently([lambda: client.get("/plain")] * 50)
    finally:
        client.close()
    assert [a.json() for a in answers] == [{"ok": True}] * 50
