"""shelfasync: asyncio building blocks for the catalogue's crawlers (LAB.md says what each must do)."""

from .gather import gather_limited
from .pipeline import run_pipeline
from .pool import Pool
from .retry import retry_async
from .timeout import with_timeout

__all__ = ["Pool", "gather_limited", "retry_async", "run_pipeline", "with_timeout"]
