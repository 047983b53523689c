"""java/week-05's checks apart from a JVM: the module descriptor as `java --describe-module` prints
it, the holding endpoint's count of requests in flight, and the verdict read from both."""

from __future__ import annotations

import socket
import threading

import pytest

from harness.outcomes import Failure
from harness.validators.jmodule.holding_endpoint import HoldingEndpoint, Observed
from harness.validators.jmodule.module import parse_description
from harness.validators.jmodule.threads import judge

DESCRIBED = """\
dev.shelf.fanout@1.0.0 file:///p/target/classes/
exports dev.shelf.fanout
qualified exports dev.shelf.fanout.internal to dev.shelf.tools
opens dev.shelf.fanout
requires java.base mandated
contains dev.shelf.fanout.internal
"""


def test_the_description_gives_exports_qualified_ones_opens_and_packages() -> None:
    descriptor = parse_description("WARNING: a line the JVM printed first\n" + DESCRIBED)
    assert descriptor is not None and not descriptor.open
    assert descriptor.exports == {"dev.shelf.fanout": "", "dev.shelf.fanout.internal": "dev.shelf.tools"}
    assert descriptor.opens == {"dev.shelf.fanout": ""}
    assert descriptor.contains == ("dev.shelf.fanout.internal",)


def test_an_open_module_and_another_module_name() -> None:
    descriptor = parse_description("dev.shelf.fanout file:///p/target/classes/ open\nexports dev.shelf.fanout\n")
    assert descriptor is not None and descriptor.open
    assert parse_description("shelf.other file:///p/ \nexports dev.shelf.fanout\n") is None


def request(port: int, index: int) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(f"GET /hold/{index} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
    return conn


def answer(conn: socket.socket) -> bytes:
    with conn:
        data = b""
        while chunk := conn.recv(4096):
            data += chunk
    return data.split(b"\r\n\r\n", 1)[1]


def test_the_endpoint_answers_nobody_until_all_are_in_flight() -> None:
    with HoldingEndpoint(want=3, stall_s=30) as endpoint:
        first, second = request(endpoint.port, 0), request(endpoint.port, 1)
        first.settimeout(0.3)  # held: nothing to read yet (a short read timeout, not a verdict)
        with pytest.raises(TimeoutError):
            first.recv(1)
        first.settimeout(10)
        third = request(endpoint.port, 2)
        assert [answer(c) for c in (first, second, third)] == [b"0", b"1", b"2"]
        late = answer(request(endpoint.port, 7))  # after the release, answered at once
        seen = endpoint.observed()
    assert late == b"7"
    assert seen == Observed(want=3, peak=3, requests=4, stalled=False, malformed=0)


def test_a_caller_that_stops_sending_is_released_as_stalled_with_the_most_it_had_in_flight() -> None:
    with HoldingEndpoint(want=50, stall_s=0.5) as endpoint:
        conns = [request(endpoint.port, i) for i in range(4)]
        bodies = [answer(c) for c in conns]  # the stall releases them
        bad = socket.create_connection(("127.0.0.1", endpoint.port), timeout=10)
        bad.sendall(b"POST /other HTTP/1.0\r\n\r\n")
        assert answer_or_close(bad) == b""
        seen = endpoint.observed()
    assert bodies == [b"0", b"1", b"2", b"3"]
    # All 4 held at once unless the machine paused longer than stall_s between two of them.
    assert seen.stalled and 1 <= seen.peak <= 4 and (seen.requests, seen.malformed) == (4, 1)


def answer_or_close(conn: socket.socket) -> bytes:
    with conn:
        return conn.recv(4096)


def test_many_concurrent_callers_reach_the_count() -> None:
    want = 300
    with HoldingEndpoint(want=want, stall_s=30) as endpoint:
        bodies: list[bytes] = [b""] * want

        def call(i: int) -> None:
            bodies[i] = answer(request(endpoint.port, i))

        threads = [threading.Thread(target=call, args=(i,)) for i in range(want)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seen = endpoint.observed()
    assert bodies == [str(i).encode() for i in range(want)]
    assert (seen.peak, seen.stalled) == (want, False)


LINE = "probe: calls=2000 virtual=2000 results=2000"


def test_the_verdict_passes_all_in_flight_and_all_virtual() -> None:
    assert "2000" in judge(Observed(2000, 2000, 2000, False, 0), LINE + "\n", 0, "r").message


def test_a_pool_is_named_by_the_most_it_had_in_flight() -> None:
    with pytest.raises(Failure) as failed:
        judge(Observed(2000, 100, 2000, True, 0), LINE.replace("virtual=2000", "virtual=0"), 0, "r")
    assert "at most 100 of 2000" in failed.value.message and "no new call came" in failed.value.message
    assert "newVirtualThreadPerTaskExecutor" in (failed.value.hint or "")


def test_as_many_platform_threads_as_calls_reach_the_count_and_still_fail() -> None:
    with pytest.raises(Failure) as failed:
        judge(Observed(2000, 2000, 2000, False, 0), LINE.replace("virtual=2000", "virtual=0"), 0, "r")
    assert "only 0 of 2000 ran on a virtual thread" in failed.value.message


def test_no_call_made_shows_the_programs_output() -> None:
    output = 'Exception in thread "main" java.lang.UnsupportedOperationException: FanOut.all is not written yet'
    with pytest.raises(Failure) as failed:
        judge(Observed(2000, 0, 0, False, 0), output, 1, "r")
    assert "at most 0 of 2000" in failed.value.message
    assert "UnsupportedOperationException" in (failed.value.actual or "")
