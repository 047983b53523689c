"""A minimal open-loop HTTP load generator, independent of harness.load, as a yardstick.

Raw non-blocking sockets, one ``selectors`` loop, no gevent, no Locust, no histogram:
request i is due at t0 + i/rate; when due it goes out on an idle keep-alive connection
(or a new one), and its latency is measured from the due time and kept exactly in a
list. Only for responses with a Content-Length (the test targets send one).
"""

from __future__ import annotations

import math
import selectors
import socket
import time
from dataclasses import dataclass, field


@dataclass
class _Conn:
    sock: socket.socket
    due: float = 0.0
    buffer: bytes = b""
    busy: bool = False


@dataclass
class ReferenceResult:
    latencies: list[float] = field(default_factory=list)  # seconds, from the due time
    sent: int = 0
    errors: int = 0
    wall: float = 0.0

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(q / 100 * len(ordered)))
        return ordered[rank - 1] * 1000


def _response_complete(buffer: bytes) -> int:
    """Length of the first complete response in ``buffer``, or 0."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return 0
    length = 0
    for line in buffer[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    total = end + 4 + length
    return total if len(buffer) >= total else 0


def run_reference(host: str, port: int, rate: float, duration: float,
                  path: str = "/") -> ReferenceResult:
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    selector = selectors.DefaultSelector()
    idle: list[_Conn] = []
    result = ReferenceResult()
    total = int(rate * duration)
    t0 = time.perf_counter() + 0.05
    index = 0
    outstanding = 0

    def connect() -> _Conn:
        sock = socket.create_connection((host, port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        conn = _Conn(sock)
        selector.register(sock, selectors.EVENT_READ, conn)
        return conn

    while index < total or outstanding:
        now = time.perf_counter()
        while index < total and t0 + index / rate <= now:
            conn = idle.pop() if idle else connect()
            conn.due, conn.busy, conn.buffer = t0 + index / rate, True, b""
            conn.sock.sendall(request)
            result.sent += 1
            outstanding += 1
            index += 1
        next_due = t0 + index / rate if index < total else now + 0.05
        for key, _ in selector.select(max(0.0, next_due - time.perf_counter())):
            conn = key.data
            try:
                data = conn.sock.recv(65536)
            except ConnectionError:
                data = b""
            if not data:
                selector.unregister(conn.sock)
                conn.sock.close()
                if conn.busy:
                    result.errors += 1
                    outstanding -= 1
                continue
            conn.buffer += data
            if conn.busy and _response_complete(conn.buffer):
                result.latencies.append(time.perf_counter() - conn.due)
                conn.busy = False
                outstanding -= 1
                idle.append(conn)
        if time.perf_counter() - t0 > duration + 10:
            break
    result.wall = time.perf_counter() - t0
    for key in list(selector.get_map().values()):
        key.fileobj.close()  # type: ignore[union-attr]
    selector.close()
    return result
