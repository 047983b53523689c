"""The harness's WebSocket framing (validators/web/ws_frames.py), against RFC 6455's own examples."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from harness.validators.web import ws_frames


def _reader(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def _read_exactly(stream: io.BytesIO) -> Callable[[int], bytes]:
    def read(size: int) -> bytes:
        data = stream.read(size)
        if len(data) != size:
            raise ConnectionError("the stream ended")
        return data
    return read


def test_the_accept_key_is_the_rfcs_example() -> None:
    assert ws_frames.accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_frames_encode_as_the_rfcs_examples() -> None:
    # RFC 6455 §5.7: "Hello", unmasked and masked with 37 fa 21 3d.
    assert ws_frames.encode(ws_frames.TEXT, b"Hello", None) == bytes.fromhex("810548656c6c6f")
    assert ws_frames.encode(ws_frames.TEXT, b"Hello", bytes.fromhex("37fa213d")) == \
        bytes.fromhex("818537fa213d7f9f4d5158")


@pytest.mark.parametrize(("length", "header"), [(125, 2), (126, 4), (65535, 4), (65536, 10)])
def test_the_length_takes_7_16_or_64_bits(length: int, header: int) -> None:
    unmasked = ws_frames.encode(ws_frames.BINARY, b"x" * length, None)
    assert len(unmasked) == header + length
    masked = ws_frames.encode(ws_frames.BINARY, b"x" * length, b"abcd")
    assert len(masked) == header + 4 + length


@pytest.mark.parametrize("length", [0, 5, 125, 126, 300, 65536])
def test_a_frame_reads_back_as_written(length: int) -> None:
    payload = bytes(range(256)) * (length // 256) + bytes(range(length % 256))
    for mask in (None, b"\x01\x02\x03\x04"):
        frame = ws_frames.decode(_read_exactly(_reader(ws_frames.encode(ws_frames.TEXT, payload, mask))))
        assert (frame.fin, frame.opcode, frame.masked, frame.payload) == (True, ws_frames.TEXT, mask is not None,
                                                                          payload)


def test_a_frame_announcing_too_much_is_refused_before_reading_it() -> None:
    head = bytes([0x81, 127]) + (ws_frames.MAX_PAYLOAD + 1).to_bytes(8, "big")
    with pytest.raises(ws_frames.FrameError, match="announces"):
        ws_frames.decode(_read_exactly(_reader(head)))


def test_a_mask_is_four_bytes() -> None:
    with pytest.raises(ValueError, match="4 bytes"):
        ws_frames.encode(ws_frames.TEXT, b"x", b"abc")
