"""How long the step under way has taken, while it runs: an install of up to ten minutes, the
migrations, a project's test suite or a 20 s load check otherwise show nothing until they end.

On a terminal (stderr is a TTY) one line on stderr is redrawn every second; anywhere else (CI
logs, files) a line is printed every 30 s, so a log shows the run is alive without filling up.
`Ticker` decides what to show and when (the clock is injected: tests need no waiting);
`Progress` runs it on a thread of its own beside the step.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from typing import TextIO

LIVE_EVERY_S = 1.0
# A line every 30 s in a log: GitHub Actions and GitLab show a job as stalled after minutes of
# silence, and a 10-minute install then prints 20 lines, not 600.
LOG_EVERY_S = 30.0
_CLEAR = "\r\033[K"


def is_live(stream: TextIO) -> bool:
    """A live line needs a terminal that understands a carriage return and an erase."""
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # a closed or odd stream: plain lines
        return False


def elapsed(seconds: float) -> str:
    """Whole seconds, as a clock shows them: 42s, 1m30s, 12m05s (a redrawn tenth flickers)."""
    whole = int(seconds)
    return f"{whole}s" if whole < 60 else f"{whole // 60}m{whole % 60:02d}s"


def fit(line: str, width: int) -> str:
    """`line` in `width` columns (a wrapped live line cannot be erased): the label is cut, the
    elapsed time at its end is kept."""
    if len(line) <= width:
        return line
    head, sep, time_part = line.rpartition(" (")
    suffix = sep + time_part
    room = width - len(suffix) - 1
    if not sep or room < 10:
        return line[:width]
    return head[:room] + "…" + suffix


class Ticker:
    """The line to show for the step under way and when; holds no thread and never sleeps."""

    def __init__(self, *, live: bool, every_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.live = live
        self.every_s = every_s if every_s is not None else (LIVE_EVERY_S if live else LOG_EVERY_S)
        if self.every_s <= 0:
            raise ValueError(f"every_s must be above 0, not {self.every_s}")
        self.clock = clock
        self.label: str | None = None
        self._started = 0.0
        self._next = 0.0

    def begin(self, label: str) -> None:
        self.label = label
        self._started = self.clock()
        # Nothing for a step shorter than one interval: most steps take well under a second.
        self._next = self._started + self.every_s

    def end(self) -> None:
        self.label = None

    def due(self) -> str | None:
        """The line to show now, or None when it is not time yet (or no step is under way)."""
        now = self.clock()
        if self.label is None or now < self._next:
            return None
        # The next one on the grid from the start, not `now + every`: a late wake-up does not
        # drift the schedule, and lines missed while the machine stalled are not all shown.
        passed = int((now - self._started) // self.every_s)
        self._next = self._started + (passed + 1) * self.every_s
        # On a terminal the time itself; in a log the grid's step (30s, 1m00s, 1m30s, ...).
        return f"… {self.label} ({elapsed(now - self._started if self.live else passed * self.every_s)} so far)"

    def wait_s(self) -> float | None:
        """Seconds until the next line (None: no step, wait until one begins)."""
        if self.label is None:
            return None
        return max(0.0, self._next - self.clock())


# How often the progress thread looks at whether it was closed, whatever it was told.
RECHECK_S = 1.0


class Progress:
    """A `Ticker` on a daemon thread, writing to `stream` (stderr). `begin` a step, `end` it (or
    begin the next); print inside `aside()` while a step is under way."""

    def __init__(self, stream: TextIO, *, live: bool | None = None, every_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.ticker = Ticker(live=is_live(stream) if live is None else live, every_s=every_s, clock=clock)
        self._cond = threading.Condition()
        self._shown = False  # a live line is on the screen
        self._closed = False
        self._thread: threading.Thread | None = None

    def begin(self, label: str) -> None:
        with self._cond:
            self._erase()
            self.ticker.begin(" ".join(label.split()))  # one line, whatever the command looked like
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="harness-progress", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def end(self) -> None:
        with self._cond:
            self._erase()
            self.ticker.end()
            self._cond.notify_all()

    @contextlib.contextmanager
    def aside(self) -> Iterator[None]:
        """Erase the live line and hold the next tick while the caller prints (the line comes
        back at the next tick): a report line never lands in the middle of a progress line."""
        with self._cond:
            self._erase()
            yield

    def close(self) -> None:
        with self._cond:
            self._erase()
            self.ticker.end()
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        with self._cond:
            while not self._closed:
                line = self.ticker.due()
                if line is not None:
                    self._show(line)
                # Never an unbounded wait: a Ctrl-C that lands in the main thread inside notify_all()
                # can take this thread off the condition's waiters without waking it, and close()
                # would then wait for it forever (seen: a harness that never exited after SIGINT).
                wait = self.ticker.wait_s()
                self._cond.wait(RECHECK_S if wait is None else min(wait, RECHECK_S))

    def _show(self, line: str) -> None:
        try:
            if self.ticker.live:
                self.stream.write(_CLEAR + fit(line, shutil.get_terminal_size().columns - 1))
                self._shown = True
            else:
                self.stream.write(f"  {line}\n")
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the step itself goes on
            self._closed = True

    def _erase(self) -> None:
        if not self._shown:
            return
        self._shown = False
        try:
            self.stream.write(_CLEAR)
            self.stream.flush()
        except (OSError, ValueError):
            pass
