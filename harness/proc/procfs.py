"""Processes as /proc shows them: what the harness needs to find, tell apart and reap them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

PROC = Path("/proc")


def stat_fields(pid: int | str, proc: Path = PROC) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces and
    parentheses): [0] state, [1] parent pid, [2] process group, ... [19] start time.
    None when the process is gone."""
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return fields if len(fields) > 19 else None


def processes(proc: Path = PROC) -> Iterator[tuple[int, list[str]]]:
    """Every live process: (pid, stat fields)."""
    for entry in proc.iterdir():
        if entry.name.isdigit():
            fields = stat_fields(entry.name, proc)
            if fields is not None:
                yield int(entry.name), fields


def start_time(pid: int) -> str | None:
    """Field 22 of /proc/<pid>/stat: tells a process from a later one that reused its pid."""
    fields = stat_fields(pid)
    return fields[19] if fields is not None else None


def uid_processes(proc: Path = PROC) -> Iterator[tuple[int, int]]:
    """Every process, zombies included: (pid, real uid)."""
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                yield int(entry.name), int(line.split()[1])
                break
