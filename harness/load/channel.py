"""The child side of the parent <-> child protocol (JSON lines on stdout, a start line on stdin).

child -> parent (stdout, one JSON object per line):
    {"event": "ready"}                       set up, waiting for the start time
    {"event": "progress", "second": k, ...}  what completed during second k of the run
    {"event": "done"}                        the result file is written
    {"event": "error", "message": "..."}     could not run (bad URL, Locust file error...)
parent -> child (stdin, lines):
    start <unix time>                        every child starts its clock at that instant
    stop                                     the verdict is settled (settle.py): end the schedule
                                             now and abandon what is in flight (open model)

A shared wall-clock start lets N open-model workers interleave their schedules; after
that each child measures with its own monotonic clock (perf_counter), never wall time.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import IO, Any

from harness.load.recorder import Partial


class Channel:
    def __init__(self, out: IO[str] | None = None, inp: IO[str] | None = None,
                 watch_parent: bool = False) -> None:
        self._out = out if out is not None else sys.stdout
        self._in = inp if inp is not None else sys.stdin
        self._watch_parent = watch_parent
        self.stop_asked = False  # set by the parent's "stop" line (read with --watch-parent)

    def send(self, event: str, **fields: Any) -> None:
        self._out.write(json.dumps({"event": event, **fields}) + "\n")
        self._out.flush()

    def wait_for_start(self) -> float:
        """Block until the parent's start line; return t0 on the perf_counter clock.

        Called before any load greenlet exists, so blocking the whole process is fine.
        """
        line = self._in.readline()
        if not line.startswith("start "):
            raise SystemExit("harness load child: expected 'start <unix time>' on stdin")
        start_wall = float(line.split()[1])
        if self._watch_parent:
            exit_with_parent(self._in.fileno(), on_line=self._on_line)
        return time.perf_counter() + (start_wall - time.time())

    def _on_line(self, line: str) -> None:
        if line.strip() == "stop":
            self.stop_asked = True

    def progress(self, partial: Partial, second: int, cpu_percent: float | None,
                 **more: Any) -> None:
        """``more``: the early stop's counts (settle.py), when the parent watches for them."""
        bucket = partial.timeline.get(second)
        if bucket is None:
            self.send("progress", second=second, sent=0, completed=0, errors=0,
                      p95_ms=None, cpu_percent=cpu_percent, **more)
            return
        bucket.cpu_percent = cpu_percent
        p95 = bucket.latency.percentile_ms(95) if bucket.latency.count else None
        self.send("progress", second=second, sent=bucket.sent, completed=bucket.completed,
                  errors=bucket.errors, p95_ms=p95, cpu_percent=cpu_percent, **more)


def exit_with_parent(fd: int, on_line: Callable[[str], None] | None = None) -> None:
    """Exit at once when the parent's end of our stdin closes (it died or gave up).

    Children run in sessions of their own so that a Ctrl-C reaches only the parent,
    which then stops them; if the parent is killed outright, this is what stops them.
    The lines read meanwhile (the parent's "stop") go to ``on_line``.
    """
    import os

    import gevent  # type: ignore[import-untyped]  # gevent ships no type information
    import gevent.socket  # type: ignore[import-untyped]

    def watch() -> None:
        pending = b""
        while True:
            gevent.socket.wait_read(fd)
            data = os.read(fd, 4096)
            if not data:
                os._exit(70)
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if on_line is not None:
                    on_line(line.decode("utf-8", "replace"))

    gevent.spawn(watch)
