"""A slow loopback endpoint that counts the requests in flight: the harness's side of jmodule.threads.virtual.

Each request stands for a blocking call to a slow service. The endpoint holds every request it
has read until `want` of them are in flight at once, then answers them all (and any later one at
once). What it records is a state, not a time: the most requests it held at once (`peak`). A
caller that runs its calls on a pool of P threads never has more than P in flight; when no new
request has come for `stall_s` while fewer than `want` are held, the endpoint stops waiting,
records that it stalled and answers everything, so that the caller finishes and the check can
say what it saw. `stall_s` only bounds how long a failing caller is waited for: a passing one is
released by its own last request.

It runs on its own event loop in a thread, on 127.0.0.1 only (harness/loopback.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import resource
from dataclasses import dataclass

from harness.loopback import LoopbackServer

_REQUEST = re.compile(rb"^GET /hold/(\d{1,9}) HTTP/1\.[01]\r?$")
HEADER_LIMIT = 8 * 1024


@dataclass(frozen=True)
class Observed:
    want: int
    peak: int        # the most requests held at once
    requests: int    # every request read, held or answered at once
    stalled: bool    # released because no request came for stall_s, not because `want` were in flight
    malformed: int   # connections that sent something other than `GET /hold/<n>`


class HoldingEndpoint(LoopbackServer):
    def __init__(self, want: int, stall_s: float) -> None:
        if want < 1 or stall_s <= 0:
            raise ValueError("want >= 1 and stall_s > 0")
        super().__init__("holding-endpoint")
        self.want = want
        self.stall_s = stall_s
        self._released: asyncio.Event | None = None
        self._watch: asyncio.Task[None] | None = None
        self._held = 0
        self._peak = 0
        self._requests = 0
        self._malformed = 0
        self._stalled = False
        self._last_arrival = 0.0

    def start(self) -> None:
        _room_for_sockets(self.want)
        super().start()

    def observed(self) -> Observed:
        async def read() -> Observed:
            return Observed(self.want, self._peak, self._requests, self._stalled, self._malformed)
        return self.call(read())

    async def _listen(self) -> int:
        self._released = asyncio.Event()
        # A backlog for every call at once: connections the kernel refuses would be calls the
        # caller made that the endpoint never counts.
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=max(128, self.want))
        self._watch = asyncio.create_task(self._watch_stall())
        return int(self._server.sockets[0].getsockname()[1])

    async def _watch_stall(self) -> None:
        assert self._released is not None
        loop = asyncio.get_running_loop()
        while not self._released.is_set():
            await asyncio.sleep(min(0.1, self.stall_s / 4))
            if self._held and loop.time() - self._last_arrival >= self.stall_s:
                self._stalled = True
                self._released.set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._released is not None
        try:
            index = await _read_request(reader)
            if index is None:
                self._malformed += 1
                return
            self._requests += 1
            if not self._released.is_set():
                self._held += 1
                self._peak = max(self._peak, self._held)
                self._last_arrival = asyncio.get_running_loop().time()
                if self._held >= self.want:
                    self._released.set()
                try:
                    await self._released.wait()
                finally:
                    self._held -= 1
            body = str(index).encode()
            writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                         b"Connection: close\r\n\r\n%s" % (len(body), body))
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass  # stop() cancels what is still open: ends quietly (harness/loopback.py)
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def __enter__(self) -> HoldingEndpoint:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


async def _read_request(reader: asyncio.StreamReader) -> int | None:
    """The index of `GET /hold/<index>`, once the request's headers have all been read."""
    first = await reader.readline()
    match = _REQUEST.match(first.rstrip(b"\n"))
    seen = len(first)
    while True:  # the headers, up to the blank line
        line = await reader.readline()
        seen += len(line)
        if not line or line in (b"\r\n", b"\n") or seen > HEADER_LIMIT:
            break
    return int(match.group(1)) if match else None


def _room_for_sockets(want: int) -> None:
    """Each held request is an open socket of the harness's: raise the soft limit of open files
    (up to the hard one) when the default 1024 is too few for `want` of them."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = want + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
