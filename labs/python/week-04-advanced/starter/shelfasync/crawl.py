"""crawl: fetch many URLs, never more than `limit` at once, each given `timeout` seconds."""

from .web import Page, fetch  # noqa: F401  (what crawl uses: LAB.md)


# Add the types (LAB.md): mypy --strict must pass on this package.
async def crawl(urls, *, limit, timeout):
    raise NotImplementedError("crawl: see LAB.md")
