"""Reading a file the project wrote, by a path the project chose, without trusting either.

When grading, the harness runs as root and the project's own code ran just before: a
report path that is, or passes through, a symlink could make root read /etc/shadow, and a
folder swapped for a link between a check and an open could do the same. So the file is
reached one component at a time from the project's own folder, each opened without
following links, and only a regular file is read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class OutsideProject(ValueError):
    """The path leaves the project, passes through a link or names no regular file."""


def _parts(relative: str) -> list[str]:
    path = PurePosixPath(relative)
    parts = [p for p in path.parts if p != "."]
    if path.is_absolute() or ".." in parts or not parts:
        raise OutsideProject(f"{relative} is not a path inside the project (no leading '/', no '..')")
    return parts


def open_inside(root: Path, relative: str) -> int:
    """A read-only descriptor of the regular file `root/relative`; FileNotFoundError when absent."""
    parts = _parts(relative)
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            inner = os.open(part, _DIR_FLAGS, dir_fd=folder)
            os.close(folder)
            folder = inner
        fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=folder)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            # ENOTDIR: a folder on the way is a link (or a file); ELOOP: the file is a link.
            raise OutsideProject(f"{relative} is a link or passes through one: the harness reads only a regular "
                                 "file inside the project, reached without links") from None
        raise
    finally:
        os.close(folder)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutsideProject(f"{relative} is not a regular file")
    return fd


def read_inside(root: Path, relative: str, max_bytes: int) -> str:
    """The text of `root/relative` (see open_inside), refused past `max_bytes`."""
    fd = open_inside(root, relative)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OutsideProject(f"{relative} is larger than {max_bytes // (1024 * 1024)} MB")
    return data.decode("utf-8", errors="replace")
