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
import threading
from collections.abc import Sequence

CHUNK = 64 * 1024


class Balancer:
    def __init__(self, upstreams: Sequence[tuple[str, int]]) -> None:
        if not upstreams:
            raise ValueError("a balancer needs at least one upstream")
        self.upstreams = list(upstreams)
        self._next = itertools.cycle(range(len(self.upstreams)))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="balancer", daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self.port = 0
        self.connections = [0] * len(self.upstreams)  # per upstream, for the record

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        self.port = future.result(timeout=10)

    async def _listen(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

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
            # stop() cancels open connections. The handler ends quietly instead of re-raising:
            # asyncio's server (3.11) asks the cancelled task for its exception and prints a
            # traceback for every connection still open at the end of a run.
            writer.close()
            up_writer.close()

    def stop(self) -> None:
        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            # Wait for them to finish cancelling: a loop stopped with live tasks warns about each.
            await asyncio.gather(*pending, return_exceptions=True)

        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        if not self._loop.is_running():
            self._loop.close()


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
