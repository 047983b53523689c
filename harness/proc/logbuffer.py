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
        # Set by ManagedProcess when the output passed its limit and the process was stopped.
        self.limit_reached = False

    def add(self, line: str) -> None:
        line = line.rstrip("\n")
        if len(line) > 2000:
            line = line[:2000] + " …(line cut at 2000 characters)"
        with self._lock:
            self.total_bytes += len(line) + 1
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
