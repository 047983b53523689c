"""The child side of the parent <-> child protocol (JSON lines on stdout, a start line on stdin).

child -> parent (stdout, one JSON object per line):
    {"event": "ready"}                       set up, waiting for the start time
    {"event": "progress", "second": k, ...}  what completed during second k of the run
    {"event": "done"}                        the result file is written
    {"event": "error", "message": "..."}     could not run (bad URL, Locust file error...)
parent -> child (stdin, one line):
    start <unix time>                        every child starts its clock at that instant

A shared wall-clock start lets N open-model workers interleave their schedules; after
that each child measures with its own monotonic clock (perf_counter), never wall time.
"""

from __future__ import annotations

import json
import sys
import time
from typing import IO, Any

from harness.load.recorder import Partial


class Channel:
    def __init__(self, out: IO[str] | None = None, inp: IO[str] | None = None,
                 watch_parent: bool = False) -> None:
        self._out = out if out is not None else sys.stdout
        self._in = inp if inp is not None else sys.stdin
        self._watch_parent = watch_parent

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
            exit_with_parent(self._in.fileno())
        return time.perf_counter() + (start_wall - time.time())

    def progress(self, partial: Partial, second: int, cpu_percent: float | None) -> None:
        bucket = partial.timeline.get(second)
        if bucket is None:
            self.send("progress", second=second, sent=0, completed=0, errors=0,
                      p95_ms=None, cpu_percent=cpu_percent)
            return
        bucket.cpu_percent = cpu_percent
        p95 = bucket.latency.percentile_ms(95) if bucket.latency.count else None
        self.send("progress", second=second, sent=bucket.sent, completed=bucket.completed,
                  errors=bucket.errors, p95_ms=p95, cpu_percent=cpu_percent)


def exit_with_parent(fd: int) -> None:
    """Exit at once when the parent's end of our stdin closes (it died or gave up).

    Children run in sessions of their own so that a Ctrl-C reaches only the parent,
    which then stops them; if the parent is killed outright, this is what stops them.
    """
    import os

    import gevent  # type: ignore[import-untyped]  # gevent ships no type information
    import gevent.socket  # type: ignore[import-untyped]

    def watch() -> None:
        while True:
            gevent.socket.wait_read(fd)
            if not os.read(fd, 4096):
                os._exit(70)

    gevent.spawn(watch)
