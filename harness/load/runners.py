"""Greenlets that run one request after another, instead of a new greenlet per request.

Why: on Python 3.11 every new greenlet gets a frame stack chunk of its own, mapped with
mmap when it starts and unmapped when it ends (greenlet's ``did_finish``): two system
calls and fresh pages to fault in per request, which strace showed once per request of
the open model. A runner that parks when its request is done and takes the next one
keeps its chunk. Nothing about a request changes: it still starts on a greenlet of its
own from the event loop's callback queue (as ``gevent.spawn_raw`` started it), whatever
the earlier requests are doing, and there are as many runners as requests ever were in
flight at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gevent  # type: ignore[import-untyped]  # gevent ships no type information
from greenlet import getcurrent, greenlet  # type: ignore[import-untyped]  # no stubs installed


class Runners:
    def __init__(self, work: Callable[..., None]) -> None:
        self._work = work
        self._idle: list[greenlet] = []
        self._hub = gevent.get_hub()
        self._later = self._hub.loop.run_callback
        self.created = 0

    def start(self, *job: Any) -> None:
        """Run ``work(*job)`` on a runner soon (from the loop, as ``spawn_raw`` would)."""
        if self._idle:
            runner = self._idle.pop()  # the most recent: its memory is the warmest
        else:
            runner = greenlet(self._run, self._hub)
            self.created += 1
        self._later(runner.switch, job)

    def _run(self, job: tuple[Any, ...]) -> None:
        work, idle, park = self._work, self._idle, self._hub.switch
        me = getcurrent()
        while True:
            work(*job)
            idle.append(me)
            # Parked in the hub until ``start`` hands this runner the next job.
            job = park()
