"""Emptying and removing cgroup trees, and reading their counters: what grading's groups, the
reaper sidecar and the load checks' CPU split share.

A cgroup directory can be removed only when no task is left in it or below it, and a task
that was just killed keeps its group busy for a moment: so kill until nothing is listed,
then remove the directories deepest first, retrying while one is still busy.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path


def keyed(text: str | None) -> dict[str, int]:
    """`key value` lines (cpu.stat, memory.events, pids.events, memory.oom_control) as numbers."""
    out: dict[str, int] = {}
    for line in (text or "").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("-").isdigit():
            out[parts[0]] = int(parts[1])
    return out


def tree_pids(roots: Iterable[Path]) -> set[int]:
    """Every task in these groups and the groups below them."""
    found: set[int] = set()
    for root in roots:
        for dirpath, _dirs, _files in os.walk(root):
            with contextlib.suppress(OSError, ValueError):
                found.update(int(p) for p in Path(dirpath, "cgroup.procs").read_text().split())
    return found


def kill_tree(roots: Iterable[Path], timeout_s: float, pause_s: float = 0.02) -> bool:
    """SIGKILL every task below the roots until none is left; True when they are empty."""
    roots = list(roots)
    deadline = time.monotonic() + timeout_s
    while True:
        pids = tree_pids(roots)
        if not pids:
            return True
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        if time.monotonic() > deadline:
            return False
        time.sleep(pause_s)


def remove_tree(root: Path, tries: int = 50, pause_s: float = 0.02) -> None:
    """The directories of an emptied group, deepest first (a dying task keeps one busy a moment)."""
    for dirpath, _dirs, _files in sorted(os.walk(root), key=lambda w: -len(w[0])):
        for _ in range(tries):
            try:
                os.rmdir(dirpath)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(pause_s)
