"""Which harness process a container or temp dir belongs to, so that cleaning up leftovers
never touches what a run still in progress is using."""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path

from harness.proc.procfs import start_time

OWNER_LABEL = "dev.harness.owner"
OWNER_FILE = ".harness-owner"


@cache
def tag() -> str:
    """host:pid:start-time of this process (the start time tells a reused pid apart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{start_time(os.getpid())}"


def alive(owner: str | None) -> bool:
    """Whether the owning harness still runs. Unknown owners (older runs) count as gone;
    owners on another host cannot be checked from here and count as alive."""
    if not owner:
        return False
    try:
        host, pid, start = owner.rsplit(":", 2)
    except ValueError:
        return False
    if host != socket.gethostname():
        return True
    return start_time(int(pid)) == start


def mark(directory: Path) -> None:
    (directory / OWNER_FILE).write_text(tag())


def of(directory: Path) -> str | None:
    try:
        return (directory / OWNER_FILE).read_text().strip()
    except OSError:
        return None
