"""crawl: fetch many URLs, never more than `limit` at once, each given `timeout` seconds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from .web import Page, fetch


async def crawl(urls: Iterable[str], *, limit: int, timeout: float) -> dict[str, Page | Exception]:
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    semaphore = asyncio.Semaphore(limit)

    async def fetch_one(url: str) -> Page | Exception:
        try:
            # At the deadline the fetch is cancelled (its connection closed), then TimeoutError.
            async with asyncio.timeout(timeout):
                return await fetch(url)
        except Exception as exc:  # one URL's error is its result; CancelledError is no Exception
            return exc

    async def one(url: str) -> Page | Exception:
        # The slot is held until the response is read or the URL given up on, not merely started.
        async with semaphore:
            return await fetch_one(url)

    unique = list(dict.fromkeys(urls))
    tasks = [asyncio.ensure_future(one(url)) for url in unique]
    try:
        results = await asyncio.gather(*tasks)
    finally:
        # The caller's cancellation reaches every request, and each has finished when it returns.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return dict(zip(unique, results, strict=True))
