"""A round-robin TCP balancer in front of several instances of the app.

Horizontal-scale checks run two instances that must share all state through PostgreSQL
and Redis; traffic that goes through the balancer lands on either. It balances per
connection (HTTP keep-alive keeps a client on one instance, as many real balancers do),
which is why checks that must reach a given instance use that instance's own URL.
It runs on its own event loop in a thread and listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Sequence

from harness.loopback import LoopbackServer

CHUNK = 64 * 1024


class Balancer(LoopbackServer):
    def __init__(self, upstreams: Sequence[tuple[str, int]]) -> None:
        if not upstreams:
            raise ValueError("a balancer needs at least one upstream")
        super().__init__("balancer")
        self.upstreams = list(upstreams)
        self._next = itertools.cycle(range(len(self.upstreams)))
        self.connections = [0] * len(self.upstreams)  # per upstream, for the record

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        index = next(self._next)
        host, port = self.upstreams[index]
        self.connections[index] += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()  # the client sees a reset, as behind a real balancer with a dead upstream
            return
        except asyncio.CancelledError:  # stopped while connecting upstream: quietly, as below
            writer.close()
            return
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except asyncio.CancelledError:
            # stop() cancels open connections: the handler ends quietly (harness/loopback.py).
            writer.close()
            up_writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()
