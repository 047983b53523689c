"""shelfasync: asyncio building blocks for the catalogue's crawlers (LAB.md says what each must do)."""

from .crawl import crawl
from .gather import gather_limited
from .pipeline import run_pipeline
from .pool import Pool
from .retry import retry_async
from .timeout import with_timeout
from .web import Page, fetch

__all__ = ["Page", "Pool", "crawl", "fetch", "gather_limited", "retry_async", "run_pipeline", "with_timeout"]
