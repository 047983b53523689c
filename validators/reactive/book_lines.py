"""The feed's records: Shelf books as NDJSON lines, built from the run's seed and counters.

Each line carries a summary of a few hundred bytes, so that a few thousand records are
megabytes: what a stream holds in memory shows in records, and socket buffers (whose sizes
the checks read, never assume) hold a known, small share of a large feed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from harness.context import CheckContext

from ..shelf import values

FIELDS = ("isbn", "title", "author", "year", "summary")
_SENTENCES = (
    "A lighthouse keeper's logbook turns up in a second-hand shop, half of it in a code.",
    "Three generations of a family run the same small library through floods and a war.",
    "An archivist catalogues letters that were never sent and begins to answer them.",
    "A river pilot learns the channel again each spring after the ice has moved the sandbars.",
    "Two mathematicians correspond for forty years and meet only once, by accident.",
    "A station master keeps the timetable of trains that no longer run, out of loyalty.",
    "The orchard's last harvest is sold to pay for the roof, and the village comes to help.",
    "A cartographer draws the island from memory after the only survey is lost at sea.",
)
SUMMARY_SENTENCES = 7  # about 600 bytes


def book(ctx: CheckContext) -> dict[str, Any]:
    rng = ctx.rng
    return {
        "isbn": values.isbn13(ctx.unique),
        "title": values.title(rng),
        "author": values.person_name(rng),
        "year": values.year(rng),
        "summary": " ".join(rng.choice(_SENTENCES) for _ in range(SUMMARY_SENTENCES)),
    }


def encode(record: Mapping[str, Any]) -> bytes:
    return json.dumps(record, separators=(",", ":")).encode() + b"\n"


def books(ctx: CheckContext, count: int) -> list[dict[str, Any]]:
    return [book(ctx) for _ in range(count)]


def lines(records: Sequence[Mapping[str, Any]]) -> list[bytes]:
    return [encode(r) for r in records]
