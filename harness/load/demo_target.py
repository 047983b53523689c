"""A tiny HTTP/1.1 server in stdlib asyncio: a target to benchmark and to see stalls.

    python -m harness.load.demo_target --port 8080 [--stall-every 1.5s --stall-for 300ms]

It answers every request at once with a short body, keeps connections alive and,
when asked to, blocks its own event loop for ``--stall-for`` every ``--stall-every``:
a "GC pause" that a closed-model load test hides and an open-model one shows (see
docs/bench.md). Paths with a behaviour of their own:

* ``/status/<code>`` answers with that status code (to produce errors on purpose);
* ``/sleep/<ms>`` answers after that many milliseconds (without blocking the loop).

It is part of the package (not only the tests) so that a user can reproduce the
coordinated-omission demonstration from the docs without writing a server.
It serves 127.0.0.1 only: it is a lab instrument, not a web server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import time

_REASONS = {200: "OK", 201: "Created", 204: "No Content", 404: "Not Found",
            500: "Internal Server Error", 503: "Service Unavailable"}
_BODY = b"ok\n"


def _response(status: int, body: bytes) -> bytes:
    reason = _REASONS.get(status, "Status")
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


_OK = _response(200, _BODY)


class _HttpProtocol(asyncio.Protocol):
    """Parses pipelined HTTP/1.1 requests well enough for load tests (no chunked bodies)."""

    def __init__(self) -> None:
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self._buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip() or b"0")
            total = end + 4 + length
            if len(self._buffer) < total:
                return
            request_line = head.split(b"\r\n", 1)[0]
            self._buffer = self._buffer[total:]
            self._answer(request_line)

    def _answer(self, request_line: bytes) -> None:
        parts = request_line.split(b" ")
        path = parts[1].decode("latin-1") if len(parts) > 1 else "/"
        transport = self._transport
        if transport is None:
            return
        if path.startswith("/status/"):
            code = int(path.removeprefix("/status/").split("?")[0] or "200")
            transport.write(_response(code, b"status\n"))
        elif path.startswith("/sleep/"):
            millis = float(path.removeprefix("/sleep/").split("?")[0] or "0")
            # Responses on one connection must stay in order: a pipelining client
            # would need a queue, but load clients here send one request at a time.
            asyncio.get_running_loop().call_later(millis / 1000, self._late_ok)
        else:
            transport.write(_OK)

    def _late_ok(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(_OK)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None


async def _stall_forever(every: float, duration: float) -> None:
    while True:
        await asyncio.sleep(every)
        # Blocking the loop on purpose: this is the stall being demonstrated.
        time.sleep(duration)


async def serve(port: int, stall_every: float | None, stall_for: float) -> None:
    loop = asyncio.get_running_loop()
    # A deep backlog: while the loop is stalled the kernel must still accept the
    # connections that an open-model client opens, or they would wait for a SYN
    # retransmission (1 s) and the demo would measure the kernel, not the stall.
    server = await loop.create_server(_HttpProtocol, "127.0.0.1", port, backlog=4096)
    sock_port = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{sock_port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    staller = None
    if stall_every is not None and stall_for > 0:
        staller = asyncio.create_task(_stall_forever(stall_every, stall_for))
    async with server:
        await stop.wait()
    if staller is not None:
        staller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await staller


def _seconds(text: str) -> float:
    if text.endswith("ms"):
        return float(text[:-2]) / 1000
    return float(text.removesuffix("s"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.load.demo_target")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--stall-every", type=_seconds, default=None, metavar="DURATION")
    parser.add_argument("--stall-for", type=_seconds, default=0.0, metavar="DURATION")
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.port, args.stall_every, args.stall_for))
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
