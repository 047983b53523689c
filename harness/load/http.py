"""One keep-alive HTTP/1.1 connection for the open model's hot path (gevent-patched child only).

Why not geventhttpclient's ``HTTPClient.request`` per request: profiled at a high rate it
cost about as much CPU as the kernel's share of the exchange, on work that never changes
between two requests of a route (merging header dicts, validating every header with a
regex, building and encoding the head) and on a pool inside our own pool. Here:

* a route's request is the same bytes every time, so it is built once per route and
  target by geventhttpclient's own builder: the target sees the very request it saw
  before (Host, User-Agent, Content-Length as before);
* the response head is parsed with a few bytes operations, the body is read and
  discarded (only the status and whether the connection stays open are measured);
* errors are geventhttpclient's exception classes, so ``kinds.error_kind`` names them as
  before, and a keep-alive connection the server closed while idle is retried once on a
  fresh one for idempotent methods (RFC 9110 9.2.2), as HTTPClient did.

Timeouts are the socket's: connect, and each send and read, as HTTPClient's
``connection_timeout`` and ``network_timeout``.

Where it differs from HTTPClient, on purpose: only a reused connection is retried (a fresh
one that closes unanswered is the target's answer, and HTTPClient's second try on another
fresh one named it the same); a route's request that cannot be built (an invalid path or
header) stops the run at its start instead of failing each request alike; a body sent
with ``Expect: 100-continue`` goes out at once (the interim 100 is skipped), as the
generator never waits to be told to send what it was scheduled to send.
"""

from __future__ import annotations

import errno
import socket
import ssl
from dataclasses import dataclass

from geventhttpclient import HTTPClient
from geventhttpclient.response import HTTPConnectionClosed, HTTPParseError

_IDEMPOTENT = frozenset(("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"))
_BLOCK = 65536
_MAX_HEAD = 65536  # a response head longer than this is not one
_RESET = (errno.ECONNRESET, errno.EPIPE)


@dataclass(frozen=True)
class Prepared:
    """A route's request on the wire, built once."""

    data: bytes
    head_only: bool  # HEAD: the response has no body whatever its headers say
    idempotent: bool  # may be sent again on a fresh connection after a stale one


def prepare(method: str, path: str, body: bytes | None, headers: dict[str, str],
            host: str, port: int, tls: bool) -> Prepared:
    """The request bytes HTTPClient would send for this route (raises ValueError as it did)."""
    method = method.upper()
    builder = HTTPClient(host, port, ssl=tls)
    try:
        head = builder._build_request(method, path, body=body or b"", headers=headers)
    finally:
        builder.close()
    chunked = any(k.lower() == "transfer-encoding" and "chunked" in v.lower()
                  for k, v in headers.items())
    payload = body or b""
    if chunked:
        payload = (f"{len(payload):x}\r\n".encode("ascii") + payload + b"\r\n"
                   if payload else b"") + b"0\r\n\r\n"
    return Prepared(head.encode("latin-1") + payload, method == "HEAD", method in _IDEMPOTENT)


class Connection:
    """A connection that opens on its first request (so its connect is part of that request)."""

    __slots__ = ("_buf", "_host", "_port", "_sock", "_timeout", "_tls")

    def __init__(self, host: str, port: int, tls: ssl.SSLContext | None, timeout: float) -> None:
        self._host, self._port, self._tls, self._timeout = host, port, tls, timeout
        self._sock: socket.socket | None = None
        self._buf = b""  # bytes received past the end of the last response

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._buf = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self._host, self._port), timeout=self._timeout)
        if self._tls is not None:
            try:
                sock = self._tls.wrap_socket(sock, server_hostname=self._host)
            except BaseException:
                sock.close()
                raise
        self._sock, self._buf = sock, b""
        return sock

    def exchange(self, request: Prepared) -> tuple[int, bool]:
        """Send the request, read the whole response: (status, connection must close)."""
        sock = self._sock
        retry = sock is not None and request.idempotent  # only a reused connection can be stale
        if sock is None:
            sock = self._connect()
        while True:
            try:
                try:
                    # send, not sendall, first: gevent's sendall asks the kernel for the
                    # send buffer size (a system call) before every send; a request
                    # head nearly always goes out whole in one send.
                    data = request.data
                    sent = sock.send(data)
                    if sent < len(data):
                        sock.sendall(data[sent:])
                except OSError as exc:
                    # The server may have answered (and closed) before reading it all:
                    # that answer is the measurement, as with HTTPClient.
                    if exc.errno not in _RESET:
                        raise
                return self._read_response(sock, request.head_only)
            except (HTTPConnectionClosed, ConnectionResetError, BrokenPipeError):
                if not retry:
                    raise
                retry = False
                self.close()
                sock = self._connect()

    def _read_response(self, sock: socket.socket, head_only: bool) -> tuple[int, bool]:
        buf = self._buf
        self._buf = b""
        while True:  # interim 1xx responses come before the final one
            end = buf.find(b"\r\n\r\n")
            while end < 0:
                if len(buf) > _MAX_HEAD:
                    raise HTTPParseError("response head too long")
                data = sock.recv(_BLOCK)
                if not data:
                    if buf:
                        raise HTTPParseError("connection closed before end of the headers")
                    raise HTTPConnectionClosed("connection closed.")
                buf += data
                end = buf.find(b"\r\n\r\n", max(0, len(buf) - len(data) - 3))
            status, version, fields = parse_head(buf[:end])
            buf = buf[end + 4:]
            if 100 <= status < 200 and status != 101:
                continue
            break
        connection = fields.get(b"connection", b"")
        close = b"close" in connection or (version == b"1.0" and b"keep-alive" not in connection)
        if head_only or status in (204, 304) or 100 <= status < 200:
            self._buf = buf
            return status, close
        if b"chunked" in fields.get(b"transfer-encoding", b""):
            self._buf = self._read_chunked(sock, buf)
            return status, close
        length = fields.get(b"content-length")
        if length is None:  # the body ends when the server closes the connection
            while sock.recv(_BLOCK):
                pass
            return status, True
        try:
            remaining = int(length)
        except ValueError:
            raise HTTPParseError(f"invalid Content-Length {length!r}") from None
        if remaining < 0:
            raise HTTPParseError(f"invalid Content-Length {length!r}")
        if len(buf) >= remaining:
            self._buf = buf[remaining:]
            return status, close
        remaining -= len(buf)
        while remaining > 0:  # discarded as it comes: a large body is never held whole
            data = sock.recv(min(remaining, _BLOCK))
            if not data:
                raise HTTPConnectionClosed("connection closed before the end of the body")
            remaining -= len(data)
        return status, close

    def _read_chunked(self, sock: socket.socket, buf: bytes) -> bytes:
        """Read a chunked body and its trailers; returns what came after them."""
        data = bytearray(buf)
        pos = 0

        def more() -> None:
            got = sock.recv(_BLOCK)
            if not got:
                raise HTTPConnectionClosed("connection closed inside a chunked body")
            data.extend(got)

        while True:
            line_end = data.find(b"\r\n", pos)
            while line_end < 0:
                more()
                line_end = data.find(b"\r\n", pos)
            size_text = bytes(data[pos:line_end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise HTTPParseError(f"invalid chunk size {size_text!r}") from None
            pos = line_end + 2
            if size == 0:
                break
            while len(data) < pos + size + 2:
                more()
            if data[pos + size:pos + size + 2] != b"\r\n":
                raise HTTPParseError("chunk not followed by CRLF")
            pos += size + 2
            if pos > _BLOCK:  # drop what is read so that memory stays bounded
                del data[:pos]
                pos = 0
        while True:  # trailer fields, up to an empty line
            line_end = data.find(b"\r\n", pos)
            while line_end < 0:
                more()
                line_end = data.find(b"\r\n", pos)
            empty = line_end == pos
            pos = line_end + 2
            if empty:
                return bytes(data[pos:])


def parse_head(head: bytes) -> tuple[int, bytes, dict[bytes, bytes]]:
    """(status, HTTP minor version as b"1.x", lower-cased field name -> lower-cased value).

    Repeated fields are joined with ", " (RFC 9110 5.3), so that a token test on the value
    (``b"close" in fields[b"connection"]``) sees all of them.
    """
    lines = head.split(b"\r\n")
    status_line = lines[0]
    if not status_line.startswith(b"HTTP/1.") or len(status_line) < 12 or status_line[8:9] != b" ":
        raise HTTPParseError(f"invalid status line {status_line[:64]!r}")
    code = status_line[9:12]
    if not code.isdigit() or (len(status_line) > 12 and status_line[12:13] != b" "):
        raise HTTPParseError(f"invalid status line {status_line[:64]!r}")
    fields: dict[bytes, bytes] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            raise HTTPParseError(f"invalid header line {line[:64]!r}")
        key = name.lower()
        value = value.strip().lower()
        fields[key] = fields[key] + b", " + value if key in fields else value
    return int(code), status_line[5:8], fields
