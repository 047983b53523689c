"""Shelf in memory: one dict per resource, plus the unique indexes a database would enforce.

Every handler is `async def` and never awaits while it reads and changes these dicts, so
two requests cannot interleave (sync handlers would run in a thread pool and race).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

authors: dict[str, dict[str, Any]] = {}
books: dict[str, dict[str, Any]] = {}
members: dict[str, dict[str, Any]] = {}
loans: dict[str, dict[str, Any]] = {}
isbns: dict[str, str] = {}  # isbn -> book id
emails: dict[str, str] = {}  # lower-cased email -> member id
_counters: defaultdict[str, int] = defaultdict(int)


def next_id(table: str) -> str:
    """Ids are strings in JSON; each resource counts its own."""
    _counters[table] += 1
    return str(_counters[table])
