"""The lab's hidden tests of shelfasync.crawl's endings: a URL that never answers is cut at
`timeout` with its request cancelled (the server sees the connection closed) while the others
complete; an error is that URL's result, not the crawl's; cancelling the crawl cancels every
request. The server (crawl_server.py) runs in the test's own event loop. The only clock is the
crawl's own timeout: what must finish in time answers at once, and the deadlines are seconds."""

from __future__ import annotations

import asyncio
import socket

import pytest
from crawl_server import SlowServer, settle
from shelfasync import Page, crawl

TIMEOUT_S = 1.0  # what the crawl gives each URL: the answered ones take milliseconds
DEADLINE_S = 6  # for the test's own waits (a state the server reaches at once when all is well)


def left_running(server: SlowServer) -> set[asyncio.Task[object]]:
    """The tasks still there besides the test's own and the server's."""
    current = asyncio.current_task()
    return {task for task in asyncio.all_tasks() if task is not current and task not in server.handlers}


async def crawl_in_time(server: SlowServer, urls: list[str], *, limit: int) -> dict[str, Page | Exception]:
    try:
        async with asyncio.timeout(DEADLINE_S):
            return await crawl(urls, limit=limit, timeout=TIMEOUT_S)
    except TimeoutError:
        pytest.fail(f"crawl(timeout={TIMEOUT_S}) did not finish within {DEADLINE_S} s: a URL that never answers "
                    f"must be given up after `timeout` seconds (requests seen: {server.requests})")


async def wait_until_given_up(server: SlowServer, count: int) -> None:
    try:
        async with asyncio.timeout(DEADLINE_S):
            await server.wait_for(lambda: server.given_up >= count)
    except TimeoutError:
        pytest.fail(f"the server saw {server.given_up} of {count} unanswered requests closed: a request given up "
                    "on must be cancelled (its connection closed), not left running")


def test_a_url_that_never_answers_is_cut_at_the_timeout_and_its_request_cancelled() -> None:
    async def main() -> None:
        async with SlowServer() as server:
            never = server.url("/never")
            oks = [server.url(f"/ok/{n}") for n in range(3)]
            results = await crawl_in_time(server, [never, *oks], limit=2)
            assert isinstance(results[never], TimeoutError), f"{never}: {results[never]!r}"
            for url in oks:
                assert isinstance(results[url], Page), f"{url}: {results[url]!r}"
            assert not left_running(server), "crawl returned with requests still running"
            await wait_until_given_up(server, 1)
    asyncio.run(main())


def test_each_url_gets_the_timeout_from_its_own_start_not_the_crawls() -> None:
    async def main() -> None:
        async with SlowServer() as server:
            # With one slot, /ok/1 waits for /never's timeout before it starts: it still gets its own.
            never, ok = server.url("/never"), server.url("/ok/1")
            results = await crawl_in_time(server, [never, ok], limit=1)
            assert isinstance(results[never], TimeoutError), f"{never}: {results[never]!r}"
            assert isinstance(results[ok], Page), (
                f"{ok}: {results[ok]!r}: the timeout counts from when a URL's request starts, not from when "
                "the crawl does or while it waits for a slot")
            await wait_until_given_up(server, 1)
    asyncio.run(main())


def test_an_error_is_its_urls_result_and_the_others_complete() -> None:
    async def main() -> None:
        with socket.socket() as closed:  # a port nothing listens on once this socket is gone
            closed.bind(("127.0.0.1", 0))
            refused = f"http://127.0.0.1:{closed.getsockname()[1]}/"
        async with SlowServer() as server:
            broken, error, ok = server.url("/broken"), server.url("/status/500"), server.url("/ok/1")
            urls = [refused, broken, "ftp://example.org/", error, ok]
            results = await crawl_in_time(server, urls, limit=2)
        assert list(results) == urls
        assert isinstance(results[refused], OSError), f"{refused} (nothing listens): {results[refused]!r}"
        assert isinstance(results[broken], ValueError), f"{broken} (no response): {results[broken]!r}"
        assert isinstance(results["ftp://example.org/"], ValueError)
        page = results[error]
        assert isinstance(page, Page) and page.status == 500, f"a 500 is a page, not an error: {page!r}"
        assert isinstance(results[ok], Page)
    asyncio.run(main())


def test_cancelling_the_crawl_cancels_every_request() -> None:
    async def main() -> None:
        async with SlowServer() as server:
            urls = [server.url(f"/never/{n}") for n in range(3)]
            task = asyncio.ensure_future(crawl(urls, limit=2, timeout=60))
            asked = asyncio.ensure_future(server.wait_for(lambda: len(server.requests) >= 2))
            done, _ = await asyncio.wait({task, asked}, timeout=DEADLINE_S, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                asked.cancel()
                task.result()  # the crawl's own error, when it raised one
                pytest.fail(f"crawl returned while its URLs never answer (requests seen: {server.requests})")
            if asked not in done:
                asked.cancel()
                pytest.fail(f"with limit=2 and 3 URLs, the server saw {len(server.requests)} requests, not 2")
            await settle()
            started = len(server.requests)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert not left_running(server), "a request is still running once the cancelled crawl has ended"
            await wait_until_given_up(server, started)
    asyncio.run(main())
