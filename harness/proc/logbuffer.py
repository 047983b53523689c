"""A capped log: keeps the first lines (how it started) and the last (how it ended)."""

from __future__ import annotations

import threading
from collections import deque


class LogBuffer:
    def __init__(self, *, cap_bytes: int = 1_000_000, head_lines: int = 40, tail_lines: int = 400) -> None:
        self.cap_bytes = cap_bytes
        self._head: list[str] = []
        self._tail: deque[str] = deque(maxlen=tail_lines)
        self._head_lines = head_lines
        self._lock = threading.Lock()
        self.total_bytes = 0
        self.dropped_lines = 0
        self.lines_added = 0  # every line ever added, kept or not: a line's number is its place here
        # Set by ManagedProcess when the output passed its limit and the process was stopped.
        self.limit_reached = False

    def add(self, line: str) -> None:
        line = line.rstrip("\n")
        if len(line) > 2000:
            line = line[:2000] + " …(line cut at 2000 characters)"
        with self._lock:
            self.total_bytes += len(line) + 1
            self.lines_added += 1
            if len(self._head) < self._head_lines:
                self._head.append(line)
                return
            if len(self._tail) == self._tail.maxlen:
                self.dropped_lines += 1
            self._tail.append(line)

    def tail(self, lines: int = 20) -> str:
        with self._lock:
            everything = self._head + list(self._tail)
            dropped = self.dropped_lines
        chosen = everything[-lines:]
        if dropped and len(chosen) == len(everything):
            chosen.insert(len(self._head), f"… ({dropped} lines not kept) …")
        return "\n".join(chosen)

    def text(self) -> str:
        return self.tail(len(self._head) + (self._tail.maxlen or 0))

    def lines(self, start: int, end: int | None = None) -> list[str]:
        """The kept lines numbered from `start` up to `end` (0: the first line ever added); a line
        that fell between the head and the tail is not there."""
        with self._lock:
            total = self.lines_added
            head = list(self._head)
            tail = list(self._tail)
        first_in_tail = total - len(tail)
        stop = total if end is None else min(end, total)
        return [head[n] if n < len(head) else tail[n - first_in_tail]
                for n in range(max(start, 0), stop) if n < len(head) or n >= first_in_tail]
