"""What a submission's uid left in the machine's shared temporary folders, removed as it ends.

A jail without bubblewrap (a container that forbids user namespaces) gives the submission no
private /tmp: TMPDIR points into its workspace, but a JVM writes /tmp all the same (its
hsperfdata folder, Tomcat's work folders) and a hostile submission may write there on purpose.
Removing the workspace does not remove those, and the uid is given to a later submission,
which would read what the earlier one left (answers, tokens) and find /tmp fuller each time.

So when a uid's processes are dead, its entries in the shared folders are removed. The scan
runs as root but only reads (lstat, never following a link); the removal runs as the uid
itself (setpriv, then rm), so no name the submission chose can make root remove anything: rm
run as the uid can remove only what the uid could. The uid's processes are dead and the
folders are sticky, so no other uid can swap an entry of its for a link meanwhile; one level
down, in a world-writable folder, a swapped entry would be a link, which rm removes as a link.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from collections.abc import Iterable
from pathlib import Path

from harness import systools as tools

# The folders any uid may write on a Debian-like machine, and one level below them (a
# world-writable folder inside, such as /tmp/.X11-unix).
SHARED = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")
CHUNK = 200  # paths per rm: far below the argument list's limit


def owned_entries(uid: int, folders: Iterable[str] = SHARED) -> list[str]:
    """The entries of `folders` (and of the world-writable folders in them) owned by `uid`."""
    found: list[str] = []
    for folder in folders:
        found.extend(_scan(Path(folder), uid, depth=1))
    return found


def _scan(folder: Path, uid: int, depth: int) -> list[str]:
    found: list[str] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if info.st_uid == uid:
                found.append(entry.path)
            elif depth > 0 and stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_IWOTH:
                found.extend(_scan(Path(entry.path), uid, depth - 1))
    return found


def remove_left(uid: int, folders: Iterable[str] = SHARED) -> list[str]:
    """Remove, as `uid`, what it owns in the shared folders; the paths that were removed."""
    entries = owned_entries(uid, folders)
    for start in range(0, len(entries), CHUNK):
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run([tools.tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
                            tools.tool("rm"), "-rf", "--", *entries[start:start + CHUNK]],
                           capture_output=True, timeout=60, env=tools.ROOT_ENV)
    return [path for path in entries if not os.path.lexists(path)]
