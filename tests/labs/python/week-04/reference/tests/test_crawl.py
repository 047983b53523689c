"""crawl and fetch against a small HTTP server in the test's own event loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from shelfasync import Page, crawl, fetch


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """/never is never answered, /broken is closed without a response, any other path is echoed."""
    head = await reader.readuntil(b"\r\n\r\n")
    path = head.split()[1]
    if path == b"/never":
        await reader.read()
    elif path != b"/broken":
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(path), path))
        await writer.drain()
    writer.close()


@asynccontextmanager
async def server() -> AsyncIterator[str]:
    running = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{running.sockets[0].getsockname()[1]}"
    finally:
        running.close()


def test_every_url_is_fetched_and_keyed_by_itself() -> None:
    async def main() -> None:
        async with server() as base:
            urls = [f"{base}/books/{n}" for n in range(5)]
            results = await crawl(urls, limit=2, timeout=30)
        assert list(results) == urls
        for n, url in enumerate(urls):
            assert results[url] == Page(url, 200, f"/books/{n}".encode())
    asyncio.run(main())


def test_a_url_that_never_answers_gives_a_timeout_error() -> None:
    async def main() -> None:
        async with server() as base:
            results = await crawl([f"{base}/never"], limit=1, timeout=0.05)
        assert isinstance(results[f"{base}/never"], TimeoutError)
    asyncio.run(main())


def test_errors_are_the_results_of_their_urls() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{unused.getsockname()[1]}/"

    async def main() -> None:
        async with server() as base:
            urls = [refused, f"{base}/broken", "ftp://example.org/", f"{base}/ok"]
            results = await crawl(urls, limit=2, timeout=30)
        assert isinstance(results[refused], OSError)
        assert isinstance(results[f"{base}/broken"], ValueError)
        assert isinstance(results["ftp://example.org/"], ValueError)
        assert isinstance(results[f"{base}/ok"], Page)
    asyncio.run(main())


def test_fetch_reads_one_page() -> None:
    async def main() -> None:
        async with server() as base:
            page = await fetch(f"{base}/shelf?page=2")
        assert (page.status, page.body) == (200, b"/shelf?page=2")
    asyncio.run(main())


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        asyncio.run(crawl([], limit=0, timeout=1))
