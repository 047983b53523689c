"""The open model's lean HTTP/1.1 connection, against a scripted server on a real socket.

What it must keep from geventhttpclient's HTTPClient: the same request bytes, the whole
response read (so the next request on the connection starts clean), when the connection
must close, a stale keep-alive connection retried once for idempotent methods only, and
failures that ``error_kind`` names as before.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from geventhttpclient import HTTPClient
from geventhttpclient.response import HTTPConnectionClosed, HTTPParseError

from harness.load.http import Connection, Prepared, parse_head, prepare
from harness.load.kinds import error_kind

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"


class Script:
    """Per accepted connection, the replies to its requests in order; then it closes."""

    def __init__(self, connections: list[list[bytes]]) -> None:
        self.connections = connections
        self.requests: list[bytes] = []
        self.accepted = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        for replies in self.connections:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # the test ended before the client came for every scripted connection
            self.accepted += 1
            with conn:
                for reply in replies:
                    head = b""
                    while b"\r\n\r\n" not in head:
                        data = conn.recv(65536)
                        if not data:
                            return
                        head += data
                    self.requests.append(head)
                    conn.sendall(reply)


@contextmanager
def scripted(connections: list[list[bytes]]) -> Iterator[Script]:
    script = Script(connections)
    try:
        yield script
    finally:
        script.listener.close()


def get(script: Script, method: str = "GET") -> Prepared:
    return prepare(method, "/x", None, {}, "127.0.0.1", script.port, tls=False)


def test_the_request_is_the_bytes_httpclient_sends() -> None:
    headers = {"X-Token": "abc"}
    built = prepare("post", "/orders", b'{"a": 1}', headers, "127.0.0.1", 8080, tls=False)
    client = HTTPClient("127.0.0.1", 8080)
    head = client._build_request("POST", "/orders", body=b'{"a": 1}', headers=headers)
    assert built.data == head.encode("latin-1") + b'{"a": 1}'
    assert b"Content-Length: 8\r\n" in built.data and b"Host: 127.0.0.1:8080\r\n" in built.data
    assert not built.idempotent and not built.head_only
    assert prepare("HEAD", "/", None, {}, "h", 80, tls=False).head_only


def test_a_chunked_request_body_is_framed_as_one_chunk() -> None:
    built = prepare("PUT", "/x", b"hello", {"Transfer-Encoding": "chunked"}, "h", 80, tls=False)
    assert built.data.endswith(b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    assert b"Content-Length" not in built.data


def test_parse_head_reads_status_version_and_joins_repeated_fields() -> None:
    status, version, fields = parse_head(
        b"HTTP/1.0 404 Not Found\r\nConnection: Keep-Alive\r\nVia: a\r\nvia: b")
    assert (status, version) == (404, b"1.0")
    assert fields == {b"connection": b"keep-alive", b"via": b"a, b"}


@pytest.mark.parametrize("head", [b"HTTP/2 200 OK", b"HTTP/1.1 2x0 OK", b"garbage",
                                  b"HTTP/1.1 200 OK\r\nno colon here"])
def test_parse_head_refuses_what_is_not_an_http_1_response(head: bytes) -> None:
    with pytest.raises(HTTPParseError):
        parse_head(head)


def test_keep_alive_responses_of_every_framing_leave_the_connection_clean() -> None:
    replies = [
        OK,
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 204 No Content\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n" + b"x" * 300_000,
        OK,
    ]
    with scripted([replies]) as script:
        connection = Connection("127.0.0.1", script.port, None, 5.0)
        request = get(script)
        seen = [connection.exchange(request) for _ in replies]
        connection.close()
    assert seen == [(200, False), (201, False), (202, False), (204, False), (200, False),
                    (200, False)]
    assert script.accepted == 1 and len(script.requests) == len(replies)


def test_a_head_response_has_no_body_whatever_its_content_length() -> None:
    with scripted([[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", OK]]) as script:
        connection = Connection("127.0.0.1", script.port, None, 5.0)
        assert connection.exchange(get(script, "HEAD")) == (200, False)
        assert connection.exchange(get(script)) == (200, False)
        connection.close()


@pytest.mark.parametrize("reply", [
    b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nok\n",
    b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n",
    b"HTTP/1.1 200 OK\r\n\r\nuntil the server closes",  # no length: read until the close
])
def test_the_connection_must_close_when_the_response_says_so(reply: bytes) -> None:
    with scripted([[reply]]) as script:
        connection = Connection("127.0.0.1", script.port, None, 5.0)
        assert connection.exchange(get(script)) == (200, True)
        connection.close()


def test_a_stale_keep_alive_connection_is_retried_once_for_an_idempotent_method() -> None:
    with scripted([[OK], [OK]]) as script:
        connection = Connection("127.0.0.1", script.port, None, 5.0)
        request = get(script)
        assert connection.exchange(request) == (200, False)
        # The server closed that connection after its reply: the GET goes out again on a new one.
        assert connection.exchange(request) == (200, False)
        connection.close()
    assert script.accepted == 2


def test_a_post_on_a_stale_connection_is_not_sent_twice() -> None:
    with scripted([[OK], [OK]]) as script:
        connection = Connection("127.0.0.1", script.port, None, 5.0)
        post = get(script, "POST")
        assert connection.exchange(post) == (200, False)
        with pytest.raises((HTTPConnectionClosed, ConnectionResetError, BrokenPipeError)) as caught:
            connection.exchange(post)
        connection.close()
    assert error_kind(caught.value) in ("connection closed by the server", "connection reset")
    assert len(script.requests) == 1


def test_a_fresh_connection_closed_without_an_answer_is_not_retried() -> None:
    with scripted([[]]) as script:
        connection = Connection("127.0.0.1", script.port, None, 5.0)
        with pytest.raises(Exception) as caught:
            connection.exchange(get(script))
        connection.close()
    assert error_kind(caught.value) in ("connection closed by the server", "connection reset")
    assert script.accepted == 1


@pytest.mark.parametrize("reply", [b"SSH-2.0-OpenSSH\r\n\r\n",
                                   b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
                                   b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"])
def test_a_malformed_response_is_an_invalid_http_response(reply: bytes) -> None:
    with scripted([[reply]]) as script:
        connection = Connection("127.0.0.1", script.port, None, 5.0)
        with pytest.raises(HTTPParseError) as caught:
            connection.exchange(get(script))
        connection.close()
    assert error_kind(caught.value) == "invalid HTTP response"


def test_a_body_cut_short_is_a_connection_closed_by_the_server() -> None:
    with scripted([[b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"]]) as script:
        connection = Connection("127.0.0.1", script.port, None, 5.0)
        with pytest.raises(HTTPConnectionClosed) as caught:
            connection.exchange(get(script))
        connection.close()
    assert error_kind(caught.value) == "connection closed by the server"


def test_a_server_that_never_answers_is_a_timeout() -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # accepts (backlog) but never reads
    try:
        connection = Connection("127.0.0.1", listener.getsockname()[1], None, 0.2)
        request = prepare("GET", "/", None, {}, "127.0.0.1", 80, tls=False)
        with pytest.raises(OSError) as caught:
            connection.exchange(request)
        connection.close()
    finally:
        listener.close()
    assert error_kind(caught.value) == "timeout"


def test_a_refused_connection_is_named_so() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connecting is refused
        connection = Connection("127.0.0.1", port, None, 1.0)
        with pytest.raises(OSError) as caught:
            connection.exchange(prepare("GET", "/", None, {}, "127.0.0.1", port, tls=False))
    assert error_kind(caught.value) == "connection refused"
