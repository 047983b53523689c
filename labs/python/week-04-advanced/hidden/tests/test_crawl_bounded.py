"""The lab's hidden tests of shelfasync.crawl's concurrency: never more requests in flight than
`limit`, and all `limit` of them used. The server (crawl_server.py, in the test's own event
loop) answers held requests only once `limit` of them are in flight at once: a crawler that
fetches one at a time, or fewer than it may, never gets an answer and fails by the test's
deadline. No verdict depends on how fast the machine is: a crawler that keeps `limit` requests
in flight finishes at once, and the deadline is seconds away."""

from __future__ import annotations

import asyncio

import pytest
from crawl_server import SlowServer
from shelfasync import Page, crawl

DEADLINE_S = 6  # a crawl that fills its slots takes milliseconds here
NO_DEADLINE_S = 60  # the crawl's own timeout, never reached by these tests


async def crawl_held(limit: int, count: int) -> tuple[SlowServer, list[str], dict[str, Page | Exception]]:
    async with SlowServer(hold=limit, expected=count) as server:
        urls = [server.url(f"/held/{n}") for n in range(count)]
        try:
            async with asyncio.timeout(DEADLINE_S):
                results = await crawl(urls, limit=limit, timeout=NO_DEADLINE_S)
        except TimeoutError:
            pytest.fail(f"crawl(limit={limit}) did not finish: the server answers only once {min(limit, count)} "
                        f"requests are in flight at once, and it saw at most {server.most_open} "
                        f"(requests in all: {len(server.requests)} of {count})")
    return server, urls, results


def test_never_more_than_limit_requests_in_flight_and_every_slot_used() -> None:
    async def main() -> None:
        server, urls, results = await crawl_held(limit=3, count=7)
        assert server.most_open <= 3, f"{server.most_open} requests were in flight at once with limit=3"
        assert server.most_open == 3
        assert sorted(server.requests) == sorted(f"/held/{n}" for n in range(7)), "each URL fetched once"
        assert list(results) == urls, "one result per URL, keyed by the URL, in the order of `urls`"
        for n, url in enumerate(urls):
            page = results[url]
            assert isinstance(page, Page), f"{url}: {page!r}"
            assert (page.url, page.status, page.body) == (url, 200, f"/held/{n}".encode())
    asyncio.run(main())


def test_a_limit_of_one_fetches_one_at_a_time() -> None:
    async def main() -> None:
        server, urls, results = await crawl_held(limit=1, count=3)
        assert server.most_open == 1, f"{server.most_open} requests were in flight at once with limit=1"
        assert all(isinstance(results[url], Page) for url in urls)
    asyncio.run(main())


def test_a_limit_above_the_number_of_urls_fetches_them_all_at_once() -> None:
    async def main() -> None:
        server, urls, results = await crawl_held(limit=10, count=4)
        assert server.most_open == 4
        assert all(isinstance(results[url], Page) for url in urls)
    asyncio.run(main())


def test_a_url_given_twice_is_fetched_once() -> None:
    async def main() -> None:
        async with SlowServer() as server:
            one, two = server.url("/ok/1"), server.url("/ok/2")
            results = await crawl([one, two, one], limit=2, timeout=NO_DEADLINE_S)
        assert list(results) == [one, two]
        assert sorted(server.requests) == ["/ok/1", "/ok/2"]
    asyncio.run(main())


def test_any_iterable_and_none() -> None:
    async def main() -> None:
        async with SlowServer() as server:
            urls = [server.url(f"/ok/{n}") for n in range(3)]
            results = await crawl((url for url in urls), limit=2, timeout=NO_DEADLINE_S)
            assert list(results) == urls
            assert await crawl([], limit=2, timeout=NO_DEADLINE_S) == {}
    asyncio.run(main())


def test_a_limit_below_one_is_a_value_error() -> None:
    async def main() -> None:
        for limit in (0, -1):
            with pytest.raises(ValueError):
                await crawl(["http://127.0.0.1:9/"], limit=limit, timeout=1)
    asyncio.run(main())
