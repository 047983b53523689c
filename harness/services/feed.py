"""A record feed on loopback: the upstream a streaming lab's app reads from (`[app] feed = true`),
provided to the app by URL as the services are.

The app gets its address as FEED_URL and fetches newline-delimited JSON from it. A check
scripts what the next connection is served (`Feed.plan`: the lines, and whether to pause after
the first few until the check releases them) and observes, from outside the app, what the app
did with it: when it connected, how far the feed got writing (a write that cannot proceed
means the app stopped reading), and whether the app closed the connection. The body has no
length and no chunk framing (HTTP/1.1, `Connection: close`): every byte written is a byte of a
record, so a byte count is a record count. It runs in threads of its own, one per connection,
and listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# The feed's own socket buffer, fixed (the kernel doubles it and stops tuning it): what sits
# in the feed's side of the connection stays small, and a stalled reader stalls the feed soon.
SEND_BUFFER = 32 * 1024
_HEAD_LIMIT = 16 * 1024
# Not counted in FeedStream.written, which counts the lines' bytes only.
RESPONSE_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\n\r\n"
_POLL_S = 0.05


@dataclass
class FeedStream:
    """One planned response and, once a connection adopts it, what happened to it."""

    lines: tuple[bytes, ...]
    hold_after: int | None  # pause after this many lines until release()
    pace_s: float = 0.0  # after the pause, wait this long before each further line
    path: str = ""
    local_port: int = 0  # the feed's side of the connection
    peer_port: int = 0  # the app's side
    written: int = 0  # bytes the kernel accepted from the feed
    lines_written: int = 0
    blocked: bool = False  # the last write could not proceed: the reader is not reading
    finished: bool = False  # every line written and the connection closed by the feed
    closed_by_peer: bool = False  # the app closed (or reset) the connection first
    _connected: threading.Event = field(default_factory=threading.Event)
    _released: threading.Event = field(default_factory=threading.Event)
    _done: threading.Event = field(default_factory=threading.Event)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def holding(self) -> bool:
        """Paused after `hold_after` lines, connection still open."""
        return (self.hold_after is not None and self.lines_written == self.hold_after
                and not self._released.is_set() and not self._done.is_set())

    @property
    def total_bytes(self) -> int:
        return sum(len(line) for line in self.lines)

    def ends(self) -> list[int]:
        """The byte offset at which each line ends: bytes read -> lines read."""
        offsets, total = [], 0
        for line in self.lines:
            total += len(line)
            offsets.append(total)
        return offsets

    def wait_connected(self, timeout_s: float) -> bool:
        return self._connected.wait(timeout_s)

    def wait_done(self, timeout_s: float) -> bool:
        """Until the stream ended, by the feed (finished) or by the app (closed_by_peer)."""
        return self._done.wait(timeout_s)

    def release(self) -> None:
        self._released.set()


class Feed:
    """The run's feed server. `plan()` queues what the next connections get; a connection that
    finds no plan gets an empty, successful response."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._plans: list[FeedStream] = []
        self.streams: list[FeedStream] = []  # every connection, in the order they came
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="feed", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Feed:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        for stream in list(self.streams):
            stream.release()

    def plan(self, lines: Sequence[bytes], hold_after: int | None = None, pace_s: float = 0.0) -> FeedStream:
        stream = FeedStream(tuple(lines), hold_after, pace_s)
        with self._lock:
            self._plans.append(stream)
        return stream

    def forget_plans(self) -> None:
        """Drop the plans no connection took (a check that failed before the app asked)."""
        with self._lock:
            self._plans.clear()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                stream = self._plans.pop(0) if self._plans else FeedStream((), None)
                self.streams.append(stream)
            threading.Thread(target=self._serve, args=(conn, stream), name="feed-stream", daemon=True).start()

    def _serve(self, conn: socket.socket, stream: FeedStream) -> None:
        try:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
            stream.local_port = int(conn.getsockname()[1])
            stream.peer_port = int(conn.getpeername()[1])
            head = _read_head(conn)
            if head is None:
                stream.closed_by_peer = True
                return
            stream.path = head
            stream._connected.set()
            conn.sendall(RESPONSE_HEAD)
            for index, line in enumerate(stream.lines):
                if stream.hold_after is not None and index == stream.hold_after and not self._hold(conn, stream):
                    return
                if stream.pace_s and stream.hold_after is not None and index >= stream.hold_after \
                        and not self._pause(conn, stream):
                    return
                if not self._write(conn, stream, line):
                    return
                stream.lines_written += 1
            holds_at_end = stream.hold_after is not None and stream.hold_after >= len(stream.lines)
            if holds_at_end and not self._hold(conn, stream):
                return
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_WR)
            stream.finished = True
        except OSError:
            stream.closed_by_peer = True
        finally:
            with contextlib.suppress(OSError):
                conn.close()
            stream._done.set()

    def _hold(self, conn: socket.socket, stream: FeedStream) -> bool:
        """Paused until released; False when the app closed the connection meanwhile."""
        while not stream._released.wait(_POLL_S):
            if self._stopping.is_set() or _peer_closed(conn):
                stream.closed_by_peer = True
                return False
        return True

    def _pause(self, conn: socket.socket, stream: FeedStream) -> bool:
        """A trickle's gap between lines; False when the app closed the connection meanwhile."""
        deadline = time.monotonic() + stream.pace_s
        while time.monotonic() < deadline:
            if self._stopping.is_set() or _peer_closed(conn):
                stream.closed_by_peer = True
                return False
            time.sleep(min(_POLL_S, stream.pace_s))
        return True

    def _write(self, conn: socket.socket, stream: FeedStream, line: bytes) -> bool:
        view = memoryview(line)
        while view:
            _, writable, _ = select.select([], [conn], [], 0)
            if not writable:
                stream.blocked = True
                while not writable:
                    if self._stopping.is_set() or _peer_closed(conn):
                        stream.closed_by_peer = True
                        return False
                    _, writable, _ = select.select([], [conn], [], _POLL_S)
                stream.blocked = False
            sent = conn.send(view, socket.MSG_DONTWAIT)
            stream.written += sent
            view = view[sent:]
        return True


def _read_head(conn: socket.socket) -> str | None:
    """The request line's path; None when the app closed before sending a whole head."""
    data = b""
    conn.settimeout(30)
    try:
        while b"\r\n\r\n" not in data and len(data) < _HEAD_LIMIT:
            chunk = conn.recv(4096)
            if not chunk:
                return None
            data += chunk
    finally:
        conn.settimeout(None)
    parts = data.split(b"\r\n", 1)[0].split()
    return parts[1].decode("latin-1") if len(parts) >= 2 else ""


def _peer_closed(conn: socket.socket) -> bool:
    """The app closed or reset its side (a request body it sends is read and ignored)."""
    try:
        readable, _, _ = select.select([conn], [], [], 0)
        if not readable:
            return False
        return conn.recv(4096, socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Poll a zero-argument callable until it is true or the time is up (for the checks)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(_POLL_S)
    return condition()
