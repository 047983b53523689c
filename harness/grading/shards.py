"""`--shard K/N`: which submissions one job of a CI matrix grades.

Round-robin over the sorted names: every matrix job lists the same folder, so each name
lands in exactly one shard, and the shards differ in size by at most one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as people and CI matrices count
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def parse_shard(text: str) -> Shard:
    match = _SHARD.match(text)
    if not match:
        raise ValueError(f"--shard takes K/N (e.g. 3/10), got {text!r}")
    index, total = int(match.group(1)), int(match.group(2))
    if total < 1 or not 1 <= index <= total:
        raise ValueError(f"--shard {text}: K must be between 1 and N")
    return Shard(index, total)


def select(names: Sequence[str], shard: Shard | None) -> list[str]:
    ordered = sorted(names)
    if shard is None:
        return ordered
    return [name for n, name in enumerate(ordered) if n % shard.total == shard.index - 1]
