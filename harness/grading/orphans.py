"""Reaping the orphans that killing a jail makes.

bubblewrap's PID-namespace init is a child of the outer bwrap; when the outer one is killed
first, the init is orphaned, dies a moment later (--die-with-parent), and would become a
zombie of the machine's PID 1, which in a container often never reaps. The orchestrator
registers as the child subreaper of everything it starts, so those orphans become its
children, and reaps every zombie child that is not one of its own workers (whose exit
status subprocess still wants). It stops being a subreaper when it stops: a process that
graded in-process (a test, the pytest plugin) must not go on adopting orphans it never reaps.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
import time
from collections.abc import Callable

from harness.proc.procfs import processes, uid_processes

PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37


def set_subreaper(on: bool) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def is_subreaper() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        flag = ctypes.c_int(0)
        libc.prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(flag), 0, 0, 0)
        return flag.value != 0
    except (OSError, AttributeError):
        return False


def zombie_children(parent: int) -> list[int]:
    return [pid for pid, fields in processes() if fields[0] == "Z" and int(fields[1]) == parent]


class OrphanReaper:
    def __init__(self, keep: Callable[[], set[int]], interval_s: float = 0.5) -> None:
        self._keep = keep
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="orphan-reaper", daemon=True)
        self._was_subreaper = False

    def start(self) -> None:
        self._was_subreaper = is_subreaper()
        if set_subreaper(True):
            self._thread.start()

    def reap(self) -> int:
        keep = self._keep()
        reaped = 0
        for pid in zombie_children(os.getpid()):
            if pid in keep:
                continue
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)
                reaped += 1
        return reaped

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.reap()

    def settle(self, uids: set[int], timeout_s: float = 10.0) -> list[int]:
        """Reap until no process of these uids is left (a jail's init dies a moment after its
        parent was killed, and an orphan that dies after the grader exited would be a zombie of
        whoever adopts it next); the pids still there at the timeout."""
        deadline = time.monotonic() + timeout_s
        while True:
            self.reap()
            left = [pid for pid, uid in uid_processes() if uid in uids]
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.1)

    def end(self, uids: set[int], kill: Callable[[int], None], timeout_s: float = 10.0,
            again_s: float = 1.0) -> list[int]:
        """Kill every process of these uids and settle; kill again while any is left (a process
        that forked while kill(-1) walked the process table can have a child the walk missed);
        the pids still there at the timeout."""
        deadline = time.monotonic() + timeout_s
        while True:
            for uid in uids:
                kill(uid)
            left = self.settle(uids, min(again_s, max(0.0, deadline - time.monotonic())))
            if not left or time.monotonic() >= deadline:
                return left

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        self.reap()
        if not self._was_subreaper:
            set_subreaper(False)
