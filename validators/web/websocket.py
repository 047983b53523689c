"""A WebSocket echo (RFC 6455) on GET /ws of the app's HTTP port, driven by the harness's own client."""

from __future__ import annotations

import base64
import http.client
import socket
import struct

from harness import httpcap
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from . import raw_http, ws_frames

TIMEOUT_S = 10.0
HINT = ("Handle the server's 'upgrade' event: answer 101 with Upgrade: websocket, Connection: Upgrade and "
        "Sec-WebSocket-Accept = base64(sha1(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')) (the raw digest, "
        "base64-encoded). Then parse frames: FIN/opcode, the 7-bit length or 126 + 16 bits or 127 + 64 bits, "
        "the 4-byte mask (XOR the payload with it); send each text frame back unmasked, and answer a close "
        "frame with a close frame carrying the same status code, then end the socket.")
REPRODUCE = "npx wscat -c ws://localhost:$PORT/ws   # type a line: it comes back"

CLOSE_CODE = 4000  # an application's own status code (RFC 6455 §7.4.2)


def _fail(message: str, expected: str, actual: str) -> Failure:
    return Failure(message, expected=expected, actual=actual, hint=HINT, reproduce=REPRODUCE)


class _Stream:
    """Exact reads from the socket, after whatever followed the handshake's header block."""

    def __init__(self, sock: socket.socket, pending: bytes) -> None:
        self.sock = sock
        self.pending = pending

    def read_exactly(self, size: int) -> bytes:
        if size > httpcap.MAX_BODY_BYTES:  # a frame's length is the server's to state
            raise httpcap.BodyTooLarge(f"a WebSocket frame of {size:,} bytes on GET /ws")
        while len(self.pending) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.pending += chunk
        data, self.pending = self.pending[:size], self.pending[size:]
        return data


def _handshake(ctx: CheckContext, sock: socket.socket, host: str) -> _Stream:
    key = base64.b64encode(ctx.rng.randbytes(16)).decode("ascii")
    sock.sendall(raw_http.request_bytes("GET", "/ws", host, headers={
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13"}))
    data = raw_http.read_head(sock)
    if b"\r\n\r\n" not in data:
        raise _fail("GET /ws with Upgrade: websocket got no 101", "HTTP/1.1 101 Switching Protocols",
                    repr(data[:300]) if data else "the connection closed with no answer")
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {n.strip().lower(): v.strip() for n, _, v in (line.partition(":") for line in lines[1:])}
    status = lines[0].split(" ")[1] if " " in lines[0] else lines[0]
    if status != "101":
        raise _fail("GET /ws with Upgrade: websocket is not switched to WebSocket",
                    "HTTP/1.1 101 Switching Protocols", lines[0])
    connection = {t.strip().lower() for t in headers.get("connection", "").split(",")}
    if headers.get("upgrade", "").lower() != "websocket" or "upgrade" not in connection:
        raise _fail("the 101 does not name the protocol it switches to", "Upgrade: websocket, Connection: Upgrade",
                    f"Upgrade: {headers.get('upgrade')}, Connection: {headers.get('connection')}")
    wanted = ws_frames.accept_key(key)
    if headers.get("sec-websocket-accept") != wanted:
        raise _fail("Sec-WebSocket-Accept is not derived from Sec-WebSocket-Key as RFC 6455 §4.2.2 says",
                    f"Sec-WebSocket-Accept: {wanted} (for the key {key})",
                    f"Sec-WebSocket-Accept: {headers.get('sec-websocket-accept')}")
    return _Stream(sock, rest)


def _send(sock: socket.socket, data: bytes, what: str) -> None:
    try:
        sock.sendall(data)
    except OSError as exc:
        raise _fail(f"{what} could not be sent: the server had closed the connection",
                    "the WebSocket open until the close handshake", f"{type(exc).__name__}: {exc}") from exc


def _next(stream: _Stream, waiting_for: str) -> ws_frames.Frame:
    try:
        return ws_frames.decode(stream.read_exactly)
    except (OSError, ConnectionError, ws_frames.FrameError) as exc:
        raise _fail(f"no frame came back for {waiting_for}", f"a frame answering {waiting_for}",
                    f"{type(exc).__name__}: {exc}") from exc


@check("web.websocket.echo", points=3, timeout_s=30)
def websocket_echoes_text_and_closes(ctx: CheckContext) -> None:
    """GET /ws upgrades to a WebSocket that echoes text frames and closes with a close handshake.

    The harness's client checks the 101 and Sec-WebSocket-Accept, sends masked text frames (5
    bytes; a few hundred bytes of multi-byte UTF-8, which need the 16-bit length) and expects each back
    unmasked and whole, then sends close 4000 (an application's code) and expects a close frame
    with that code (or none) and the end of the connection.
    """
    host, port = raw_http.address(ctx.app.base_url)
    messages = ["hello", ("é€" * 60 + ctx.unique("ws"))[:100] * 2]
    with socket.create_connection((host, port), timeout=TIMEOUT_S) as sock:
        try:
            stream = _handshake(ctx, sock, f"{host}:{port}")
        except (OSError, http.client.HTTPException) as exc:
            raise _fail("the WebSocket handshake failed", "HTTP/1.1 101 Switching Protocols",
                        f"{type(exc).__name__}: {exc}") from exc
        for text in messages:
            payload = text.encode("utf-8")
            what = f"a text frame of {len(payload)} bytes"
            _send(sock, ws_frames.encode(ws_frames.TEXT, payload, ctx.rng.randbytes(4)), what)
            frame = _next(stream, what)
            if frame.masked:
                raise _fail(f"the echo of {what} is masked", "an unmasked frame (only clients mask, RFC 6455 §5.1)",
                            "the mask bit set")
            if (frame.fin, frame.opcode, frame.payload) != (True, ws_frames.TEXT, payload):
                raise _fail(f"the echo of {what} is not the same text frame",
                            f"FIN, opcode 1, {len(payload)} bytes: {text[:40]!r}…",
                            f"FIN {int(frame.fin)}, opcode {frame.opcode}, {len(frame.payload)} bytes: "
                            f"{frame.payload[:60]!r}")
        # An application's own code (4000-4999), not 1000: a server that always answers 1000 is
        # not echoing the code it got. No code at all is allowed (RFC 6455 §5.5.1).
        _send(sock, ws_frames.encode(ws_frames.CLOSE, struct.pack("!H", CLOSE_CODE) + b"bye", ctx.rng.randbytes(4)),
              f"a close frame ({CLOSE_CODE})")
        closing = _next(stream, f"a close frame ({CLOSE_CODE})")
        code = struct.unpack("!H", closing.payload[:2])[0] if len(closing.payload) >= 2 else None
        if closing.opcode != ws_frames.CLOSE:
            raise _fail("a close frame is not answered with a close frame",
                        f"a close frame with status {CLOSE_CODE}", f"opcode {closing.opcode}, status {code}")
        if code not in (CLOSE_CODE, None):
            raise _fail(f"a close frame with status {CLOSE_CODE} is answered with status {code}",
                        f"a close frame with the same status, {CLOSE_CODE} (or none)", f"status {code}")
        try:
            after = stream.read_exactly(1)
        except TimeoutError:
            raise _fail("the server did not close the connection after the close handshake",
                        "the TCP connection closed by the server (RFC 6455 §7.1.1)",
                        f"still open after {TIMEOUT_S:.0f} s") from None
        except (OSError, ConnectionError):
            return  # closed: the handshake is complete
        raise _fail("the server kept sending after the close handshake", "the connection closed",
                    f"more bytes: {after!r}")
