# The lab's hidden type tests: the harness copies this folder into the project's
# .harness/hidden/ and runs the project's mypy on it and on the shelfasync package, with the
# mypy.ini beside this file (strict). assert_type(value, T) fails unless mypy infers exactly T,
# and a line marked `# type: ignore[code]` must be that type error: strict mode reports an
# ignore that is not needed, so types that accept a misuse (Any, a lost signature) fail.
# Nothing here runs: mypy only reads it.
from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import assert_type

import shelfasync
from shelfasync import Pool, crawl, gather_limited, retry_async, run_pipeline, with_timeout


class Page:
    def __init__(self, url: str) -> None:
        self.url = url


async def fetch(url: str) -> Page:
    return Page(url)


async def count(page: Page) -> int:
    return len(page.url)


async def gathering() -> None:
    # gather_limited: a list of what the awaitables give.
    assert_type(await gather_limited([fetch("/a"), fetch("/b")], 2), list[Page])
    assert_type(await gather_limited((fetch(u) for u in ["/a"]), limit=1), list[Page])
    await gather_limited([fetch("/a")], "2")  # type: ignore[arg-type]
    await gather_limited(["/a"], 2)  # type: ignore[arg-type]


async def timing_out() -> None:
    assert_type(await with_timeout(fetch("/a"), 1.5), Page)
    assert_type(await with_timeout(count(Page("/a")), 2), int)
    await with_timeout(fetch("/a"), "1.5")  # type: ignore[arg-type]


# retry_async: the decorated coroutine function keeps its parameters and its result.
async def no_wait(seconds: float) -> None:
    return None


@retry_async(attempts=2, exceptions=(ConnectionError, TimeoutError), delay=0.01, backoff=3, sleep=no_wait)
async def lookup(isbn: str, *, copies: int = 1) -> dict[str, int]:
    return {isbn: copies}


@retry_async()
async def ping() -> None:
    return None


def parse(text: str) -> int:
    return int(text)


async def retrying() -> None:
    assert_type(await lookup("9780441172719"), dict[str, int])
    assert_type(await lookup("9780441172719", copies=3), dict[str, int])
    await ping()
    await lookup(9780441172719)  # type: ignore[arg-type]
    await lookup("9780441172719", copie=3)  # type: ignore[call-arg]
    retry_async(attempts="3")  # type: ignore[arg-type]
    retry_async(sleep=time.sleep)  # type: ignore[arg-type]
    retry_async()(parse)  # type: ignore[arg-type]


# run_pipeline: results of the handler's type, a handler that takes the source's items.
async def urls() -> AsyncIterator[str]:
    yield "/a"


async def piping() -> None:
    assert_type(await run_pipeline(urls(), fetch, workers=2, buffer=4), list[Page])
    assert_type(await run_pipeline(urls(), fetch), list[Page])
    await run_pipeline(urls(), count)  # type: ignore[arg-type]
    await run_pipeline(urls(), fetch, workers="2")  # type: ignore[arg-type]
    await run_pipeline(["/a"], fetch)  # type: ignore[arg-type]


# Pool: generic in what its factory makes.
async def open_page() -> Page:
    return Page("/")


async def pooling() -> None:
    pool = Pool(open_page, size=2)
    assert_type(pool, Pool[Page])
    assert_type(pool.created, int)
    assert_type(pool.idle, int)
    async with pool.acquire() as page:
        assert_type(page, Page)
    Pool(open_page, size="2")  # type: ignore[arg-type]
    Pool(Page, size=2)  # type: ignore[arg-type]


async def crawling() -> None:
    # crawl: each URL's page, or the error that URL gave.
    assert_type(await crawl(["http://127.0.0.1:8080/a"], limit=2, timeout=1.5),
                dict[str, shelfasync.Page | Exception])
    assert_type(await shelfasync.fetch("http://127.0.0.1:8080/a"), shelfasync.Page)
    await crawl(["http://127.0.0.1:8080/a"], limit="2", timeout=1)  # type: ignore[arg-type]
