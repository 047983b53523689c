"""The record feed (harness/services/feed.py) and the socket queues the streaming checks read
(validators/reactive/socket_queues.py), on real loopback sockets: what a check sees of a
reader that reads, pauses, stops reading or leaves."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.catalog import load_manifest
from harness.errors import ConfigError
from harness.services.feed import RESPONSE_HEAD, Feed, wait_for
from harness.validators.reactive import socket_queues

LINES = [f'{{"n":{i}}}\n'.encode() for i in range(10)]


@pytest.fixture
def feed() -> Iterator[Feed]:
    running = Feed().start()
    yield running
    running.stop()


def _request(feed: Feed) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", feed.port), timeout=5)
    conn.sendall(b"GET /v1/feed/books HTTP/1.1\r\nHost: feed\r\n\r\n")
    return conn


def _read_all(conn: socket.socket) -> bytes:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


def test_a_planned_stream_is_served_whole_as_ndjson_with_no_framing(feed: Feed) -> None:
    stream = feed.plan(LINES)
    with _request(feed) as conn:
        head, _, body = _read_all(conn).partition(b"\r\n\r\n")
    assert b"200 OK" in head and b"application/x-ndjson" in head
    assert body == b"".join(LINES)
    assert stream.wait_done(5) and stream.finished and not stream.closed_by_peer
    assert stream.path == "/v1/feed/books" and stream.written == len(body)


def test_a_connection_without_a_plan_gets_an_empty_stream(feed: Feed) -> None:
    with _request(feed) as conn:
        assert _read_all(conn).endswith(b"\r\n\r\n")


def test_a_paused_stream_waits_for_release_and_a_reader_that_leaves_is_seen(feed: Feed) -> None:
    stream = feed.plan(LINES, hold_after=3)
    conn = _request(feed)
    assert wait_for(lambda: stream.holding, 5)
    assert stream.lines_written == 3 and not stream.finished
    conn.close()
    assert stream.wait_done(5) and stream.closed_by_peer and stream.lines_written == 3


def test_a_trickle_after_the_pause_ends_as_soon_as_the_reader_leaves(feed: Feed) -> None:
    stream = feed.plan(LINES * 50, hold_after=2, pace_s=0.05)
    conn = _request(feed)
    assert wait_for(lambda: stream.holding, 5)
    stream.release()
    assert wait_for(lambda: stream.lines_written >= 3, 5)
    conn.close()
    assert stream.wait_done(5) and stream.closed_by_peer and stream.lines_written < len(LINES) * 50


def test_a_reader_that_stops_blocks_the_feed_and_the_queues_account_for_every_byte(feed: Feed) -> None:
    big = [b"x" * 999 + b"\n"] * 5000  # 5 MB: more than any socket buffer here holds
    stream = feed.plan(big)
    with _request(feed) as conn:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        assert wait_for(lambda: stream.blocked, 10)
        # Nothing is read: what the feed wrote (after its head) is all in the connection's two queues.
        def settled() -> bool:
            written = stream.written
            queues = socket_queues.snapshot()
            feed_side = queues.get((feed.port, stream.peer_port))
            reader = queues.get((stream.peer_port, feed.port))
            if feed_side is None or reader is None:
                return False
            return len(RESPONSE_HEAD) + written == feed_side.tx + reader.rx
        assert wait_for(settled, 10)
        assert not stream.finished
    assert stream.wait_done(5) and stream.closed_by_peer


def test_feed_in_a_lab_manifest_is_a_boolean(tmp_path: Path) -> None:
    lab = tmp_path / "lab.toml"
    lab.write_text('services = []\n[app]\nfeed = true\n[[checks]]\nid = "reactive.stream.contract"\n')
    assert load_manifest(lab).feed is True
    lab.write_text('services = []\n[app]\nfeed = "yes"\n[[checks]]\nid = "reactive.stream.contract"\n')
    with pytest.raises(ConfigError, match="feed must be true or false"):
        load_manifest(lab)


def test_more_streams_at_once_than_bounded_elastic_holds_on_any_machine() -> None:
    from harness.validators.reactive.stream.concurrent import clients_at_once

    assert clients_at_once(1) == 32 and clients_at_once(2) == 32
    for cores in (3, 4, 16, 64):
        assert clients_at_once(cores) > 10 * cores  # Schedulers.boundedElastic()'s threads
