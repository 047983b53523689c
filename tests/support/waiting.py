"""Waiting for a state in tests, and finding a check's own PostgreSQL server from outside.

The cleanup tests stop a harness mid-check (Ctrl-C, SIGKILL) and then wait for what it started
to be gone: they wait for states, never for a fixed time. HANG_S only turns a hang into a
failure: it is far above what a start or a cleanup takes on a busy machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psutil

HANG_S = 120.0
T = TypeVar("T")


def wait_for(what: str, condition: Callable[[], T | None], interval_s: float = 0.05) -> T:
    """The condition's first true value; fails naming `what` past HANG_S."""
    deadline = time.monotonic() + HANG_S
    while not (value := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {HANG_S:.0f} s"
        time.sleep(interval_s)
    return value


def _forked_copy(proc: psutil.Process, cmdline: list[str]) -> bool:
    """A child that has just forked and not yet exec'd or renamed itself shows its parent's command
    line (a postmaster's new backend, a script's next command): it is not the process looked for."""
    try:
        parent = proc.parent()
        return parent is not None and parent.cmdline() == cmdline
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def postmaster_with(conf_file: str, marker: str) -> tuple[psutil.Process, Path] | None:
    """The postmaster whose data folder holds `conf_file` (a path inside it) with `marker` in its
    text, and the folder around its cluster; None while there is none."""
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if len(cmdline) < 3 or not cmdline[0].endswith("postgres") or "-D" not in cmdline \
                or _forked_copy(proc, cmdline):
            continue
        data = Path(cmdline[cmdline.index("-D") + 1])
        try:
            if marker in (data / conf_file).read_text():
                return proc, data.parent
        except OSError:
            continue
    return None


def script_running(name: str, marker: str) -> psutil.Process | None:
    """The `/bin/sh <folder>/<name>` process whose script holds `marker` (a learner's script the
    harness runs: setup-replica.sh, failover.sh); None while there is none."""
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if len(cmdline) == 2 and cmdline[1].endswith(f"/{name}") and not _forked_copy(proc, cmdline):
            try:
                if marker in Path(cmdline[1]).read_text():
                    return proc
            except OSError:
                continue
    return None


def postmaster_on(port: str) -> psutil.Process | None:
    """The postmaster started with `-p port`; None while there is none."""
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if cmdline and cmdline[0].endswith("postgres") and "-p" in cmdline and \
                cmdline[cmdline.index("-p") + 1] == port and not _forked_copy(proc, cmdline):
            return proc
    return None
