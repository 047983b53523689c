"""The app client against a real server that times out idle keep-alive connections.

A server closing an idle connection races the client's next request on it: when the close
wins, the request meets a reset and no answer (gunicorn closes idle connections after 2 s,
and a check that follows a quiet one often sends right then). The server here makes the race
deterministic: after IDLE_S without a request it times the connection out, and the next
request to arrive on it is answered with a reset, never read — what a server does when its
idle sweep runs before it reads the request already on the wire.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator

import httpx
import pytest

from harness.httpclient import IDEMPOTENT, KEEPALIVE_EXPIRY_S, AppClient

IDLE_S = 0.3
CONCURRENT = 30
# Waiting for a state, not for time: the bound only stops a broken test from hanging.
STATE_WAIT_S = 30.0


class IdleTimeoutServer:
    """HTTP/1.1 with keep-alive, one thread per connection; 200 "ok" to every request."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=256)
        self.port = self._listener.getsockname()[1]
        self._state = threading.Condition()
        self.idle = 0  # connections answered at least once, not timed out, still open
        self.timed_out = 0  # idle connections the server has given up on
        self.reset = 0  # requests refused with a reset on a timed-out connection
        self._stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        answered = timed_out = False
        with conn:
            buffer = b""
            while not self._stopping:
                conn.settimeout(IDLE_S if answered else STATE_WAIT_S)
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    timed_out = True
                    self._time_out(conn)
                    break
                if not data:
                    break
                buffer += data
                while b"\r\n\r\n" in buffer:
                    _, buffer = buffer.split(b"\r\n\r\n", 1)
                    if not answered:  # counted before the answer: the client cannot be ahead of it
                        answered = True
                        self._change(idle=1)
                    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok")
        if answered and not timed_out:
            self._change(idle=-1)

    def _time_out(self, conn: socket.socket) -> None:
        self._change(idle=-1, timed_out=1)
        conn.settimeout(STATE_WAIT_S)
        try:
            waiting = conn.recv(1, socket.MSG_PEEK)  # the client's next request, sent too late
        except OSError:
            return
        if waiting:
            # Closed with the request unread and no linger: the client sees a reset.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self._change(reset=1)

    def _change(self, **by: int) -> None:
        with self._state:
            for name, step in by.items():
                setattr(self, name, getattr(self, name) + step)
            self._state.notify_all()

    def wait_until_all_timed_out(self) -> None:
        with self._state:
            done = self._state.wait_for(lambda: self.idle == 0 and self.timed_out > 0, timeout=STATE_WAIT_S)
        assert done, f"the server timed out {self.timed_out} connections; {self.idle} still idle"

    def stop(self) -> None:
        self._stopping = True
        self._listener.close()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[IdleTimeoutServer]:
    # The client keeps connections longer than this server does, as it does with Tomcat's 20 s
    # or any server configured shorter than the client's expiry: the race needs it.
    monkeypatch.setattr("harness.httpclient.KEEPALIVE_EXPIRY_S", STATE_WAIT_S)
    srv = IdleTimeoutServer()
    yield srv
    srv.stop()


def _burst(client: AppClient, method: str) -> list[httpx.Response | Exception]:
    def one() -> httpx.Response | Exception:
        try:
            return client.request(method, "/ping")
        except httpx.TransportError as exc:
            return exc

    return client.concurrently([one] * CONCURRENT)


def test_requests_after_the_server_timed_out_idle_connections_all_succeed(server: IdleTimeoutServer) -> None:
    client = AppClient(f"http://127.0.0.1:{server.port}")
    try:
        first = _burst(client, "GET")
        assert all(isinstance(r, httpx.Response) and r.status_code == 200 for r in first), first
        server.wait_until_all_timed_out()  # the idle gap: every pooled connection is now stale
        then = _burst(client, "GET") + _burst(client, "DELETE")
        failed = [r for r in then if not isinstance(r, httpx.Response)]
        assert not failed, f"{len(failed)} of {len(then)} requests failed: {failed[:3]}"
        assert server.reset > 0 and client.retries == server.reset, "the stale connections were reused, then retried"
    finally:
        client.close()


def test_a_post_is_never_sent_twice(server: IdleTimeoutServer) -> None:
    """The same race without a retry fails: this is what the retry above covers."""
    client = AppClient(f"http://127.0.0.1:{server.port}")
    try:
        _burst(client, "GET")
        server.wait_until_all_timed_out()
        then = _burst(client, "POST")
        failed = [r for r in then if not isinstance(r, httpx.Response)]
        assert failed and client.retries == 0
        assert all(isinstance(r, (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)) for r in failed)
    finally:
        client.close()


def test_idle_connections_expire_before_common_server_timeouts() -> None:
    shortest_server_default_s = min(2.0, 5.0, 5.0, 20.0)  # gunicorn, uvicorn, Node, Tomcat
    assert shortest_server_default_s > KEEPALIVE_EXPIRY_S
    assert sorted(IDEMPOTENT) == ["DELETE", "GET", "HEAD", "OPTIONS", "PUT"]
