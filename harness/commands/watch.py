"""`harness check --watch`: the checks again after every change to the project's files.

Each round is a whole run (services, install, migrate, app, checks) that leaves nothing
behind, as every run does; what makes a round fast is what every run reuses: an install
whose inputs did not change is skipped, PostgreSQL starts from its cached cluster. So a
round can never see a stale app, database or dataset, and Ctrl-C at any moment stops the
round in progress and cleans up like an interrupted run.

A change is a file outside the dependency folders and scratch (runner/deps.py) added,
removed, or with another size or mtime. A run writes files of its own into the project (a
coverage report, a results file given with --json): the changes made while a round ran are
its own writing, except those the round before did not make, which are saves made meanwhile
and start another round. A burst of saves (an editor's backup file, then the file) is one
change.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from harness.errors import ExitCode
from harness.runner.deps import source_snapshot

POLL_S = 0.3  # how often the files are looked at: well under the second a round takes
SETTLE_S = 0.3  # a burst of saves is over when a look this long after the last one sees nothing new
SHOWN = 3

Snapshot = dict[str, tuple[int, int]]


def changed(before: Snapshot, after: Snapshot) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def wait_for_change(root: Path, since: Snapshot, *, poll_s: float = POLL_S, settle_s: float = SETTLE_S,
                    sleep: Callable[[float], None] = time.sleep) -> set[str]:
    """Block until a file changes from `since`, and the burst of saves is over; what changed."""
    while True:
        sleep(poll_s)
        now = source_snapshot(root)
        found = changed(since, now)
        if not found:
            continue
        while True:
            sleep(settle_s)
            later = source_snapshot(root)
            more = changed(now, later)
            if not more:
                return found
            found |= more
            now = later


def describe(names: set[str]) -> str:
    shown = sorted(names)[:SHOWN]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def watch(root: Path, run_once: Callable[[], int], say: Callable[[str], None], *,
          poll_s: float = POLL_S, settle_s: float = SETTLE_S, sleep: Callable[[float], None] = time.sleep) -> int:
    """Run, then run again after each change, until Ctrl-C; the exit code of the last round."""
    wrote: set[str] | None = None  # what the round before changed while it ran
    while True:
        before = source_snapshot(root)
        code = run_once()
        if code == ExitCode.INTERRUPTED:
            return code
        after = source_snapshot(root)
        during = changed(before, after)
        # The first round's changes are taken for its own writing; later, what a round changed
        # that the round before did not is a save made while it ran.
        saved = during - wrote if wrote is not None else set()
        wrote = during
        if saved:
            say(f"changed while checking: {describe(saved)}; checking again")
            continue
        try:  # from the line on: Ctrl-C right after reading it ends the watch with this round's verdict
            say(f"watching {root} for changes (Ctrl-C to stop)")
            found = wait_for_change(root, after, poll_s=poll_s, settle_s=settle_s, sleep=sleep)
        except KeyboardInterrupt:
            return code
        say(f"changed: {describe(found)}; checking again")
