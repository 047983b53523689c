"""A slow HTTP server for the crawl tests, run inside the test's own event loop (not the learner's code).

It counts the connections open at once, holds requests until as many as the test asks are in
flight, and records what the client gave up on. Every path answers according to its name:
  /held/<n>  held until `hold` requests wait at once (or all that are left, when fewer), then 200
  /ok/<n>    200 at once, its path as the body
  /status/<code>  that status at once
  /never[/<n>]    never answered: counted in `given_up` once the client closes the connection
  /broken    the connection closed without a response
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from waits import settle


class SlowServer:
    def __init__(self, *, hold: int = 0, expected: int = 0) -> None:
        self.hold = hold  # how many /held/ requests must wait at once before they are answered
        self.expected = expected  # how many /held/ requests the test sends in all
        self.open_now = 0
        self.most_open = 0
        self.requests: list[str] = []
        self.given_up = 0
        self.handlers: set[asyncio.Task[object]] = set()
        self._waiting: list[asyncio.Event] = []
        self._answered_held = 0
        self._releasing = False
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    def close(self) -> None:
        # Not wait_closed(): a request the client never gave up on would keep it waiting.
        if self._server is not None:
            self._server.close()

    async def __aenter__(self) -> SlowServer:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}{path}"

    async def wait_for(self, state: Callable[[], bool]) -> None:
        async with self._changed:
            await self._changed.wait_for(state)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.handlers.add(task)
        # Counted from the moment the connection is accepted, before its request is read.
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split()[1].decode()
            self.requests.append(path)
            await self._notify()
            if path.startswith("/held/"):
                await self._held()
                await self._answer(writer, 200, path)
            elif path.startswith("/never"):
                await reader.read()  # b"" once the client has closed the connection
                self.given_up += 1
            elif path.startswith("/status/"):
                await self._answer(writer, int(path.rsplit("/", 1)[1]), path)
            elif path != "/broken":
                await self._answer(writer, 200, path)
        except (asyncio.IncompleteReadError, ConnectionError):
            self.given_up += 1
        finally:
            # No longer open before the client can see the end of the response.
            self.open_now -= 1
            writer.close()
            self.handlers.discard(task)
            await self._notify()

    async def _held(self) -> None:
        gate = asyncio.Event()
        self._waiting.append(gate)
        await self._notify()
        wanted = min(self.hold, self.expected - self._answered_held)
        if len(self._waiting) >= wanted and not self._releasing:
            self._releasing = True
            await settle()
            batch, self._waiting = self._waiting, []
            self._answered_held += len(batch)
            self._releasing = False
            for waiting in batch:
                waiting.set()
        await gate.wait()

    @staticmethod
    async def _answer(writer: asyncio.StreamWriter, status: int, body: str) -> None:
        data = body.encode()
        writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
                     + data)
        await writer.drain()
