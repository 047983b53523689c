"""RFC 6455 framing for the harness's own WebSocket client: the handshake's accept key, frames
encoded as a client must (masked), and frames read back as a server sends them."""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Callable
from dataclasses import dataclass

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA
# The echo check sends a few hundred bytes: a server's frame announcing more is not an echo.
MAX_PAYLOAD = 1 << 20


def accept_key(key: str) -> str:
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest()).decode("ascii")


def encode(opcode: int, payload: bytes, mask: bytes | None) -> bytes:
    """One final frame; `mask` (4 bytes) for a client's frame, None for a server's."""
    length = len(payload)
    head = bytes([0x80 | opcode])
    bit = 0x80 if mask is not None else 0
    if length < 126:
        head += bytes([bit | length])
    elif length < 1 << 16:
        head += bytes([bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", length)
    if mask is None:
        return head + payload
    if len(mask) != 4:
        raise ValueError("a masking key is 4 bytes")
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


@dataclass(frozen=True)
class Frame:
    fin: bool
    opcode: int
    masked: bool
    payload: bytes  # unmasked


class FrameError(Exception):
    """What the server sent is not a frame the client can read."""


def decode(read_exactly: Callable[[int], bytes]) -> Frame:
    """The next frame; `read_exactly(n)` returns n bytes or raises when the stream ends first."""
    first, second = read_exactly(2)
    length = second & 0x7F
    if length == 126:
        length = struct.unpack("!H", read_exactly(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", read_exactly(8))[0]
    if length > MAX_PAYLOAD:
        raise FrameError(f"a frame announces {length} bytes of payload")
    masked = bool(second & 0x80)
    mask = read_exactly(4) if masked else b""
    payload = read_exactly(length) if length else b""
    if masked:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return Frame(bool(first & 0x80), first & 0x0F, masked, payload)
