"""Loopback ports for the servers the harness starts, claimed across the machine's harness runs.

A free port is one the kernel hands out for a bind to port 0, let go at once so that the
server the harness starts can bind it. Until that server does, the kernel may hand the same
port to anyone else asking for a free one: two runs side by side (a grader's jobs, a test
suite's workers) then start two servers on one port, and the one that loses the race exits
with EADDRINUSE while the harness's health check is answered by the other one's app. So each
port handed out is claimed in a folder every run on the machine reads (a file named after the
port, holding the claiming process's owner tag); a port whose claim belongs to a live process
is passed over. A claim ends with its process: a later run takes over a dead owner's claim.
The folder is advice, never a requirement: where it cannot be written, the kernel's word is
taken alone, as before.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import tempfile
from pathlib import Path

from harness.proc import owner

FOLDER_NAME = "harness-ports"
# Ports the kernel offers that are claimed by live runs before one is not; past that the
# kernel's last offer is taken (the machine is out of unclaimed ports, which the folder never
# makes worse than it was without it).
ATTEMPTS = 64


def registry() -> Path:
    return Path(tempfile.gettempdir()) / FOLDER_NAME


def _kernel_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _make(folder: Path) -> None:
    """The folder, writable by every account (a grader's submissions run as others) and sticky, as /tmp.
    One found there must be a real, sticky folder of root's or this account's: a link or a folder
    planted by another account would have a root harness create and remove files where it says."""
    try:
        folder.mkdir()
        os.chmod(folder, 0o1777)  # not what mkdir's mode gives: the umask takes from that
    except FileExistsError:
        pass
    found = os.lstat(folder)
    if not stat.S_ISDIR(found.st_mode) or found.st_uid not in (0, os.geteuid()) \
            or not found.st_mode & stat.S_ISVTX:
        raise PermissionError(f"{folder} is not a sticky folder of root's or this account's")


def _holder(path: Path) -> str | None:
    """The owner tag in a claim; None for anything but a small regular file (the folder is every
    account's: a link or a FIFO planted there must never be followed or block a root harness)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, 256).decode(errors="replace").strip()
    finally:
        os.close(fd)


def claim(port: int, folder: Path | None = None) -> bool:
    """Claim `port` for this process: False when a live process (this one included) claimed it."""
    folder = folder or registry()
    path = folder / str(port)
    for _ in range(2):
        try:
            _make(folder)
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(path)
            if holder is None or (holder and owner.alive(holder)):
                return False
            try:
                path.unlink()  # a claim of a process that has ended (or of a claim half written)
            except OSError:
                return False  # another account's claim in the sticky folder: leave that port alone
            continue
        except OSError:
            return True  # no folder to claim in: the kernel's word alone
        with os.fdopen(fd, "w") as out:
            out.write(owner.tag())
        return True
    return False


def free_port(folder: Path | None = None) -> int:
    """A loopback port nobody listens on and no live harness run has claimed; now claimed by this one."""
    port = _kernel_port()
    for _ in range(ATTEMPTS):
        if claim(port, folder):
            return port
        port = _kernel_port()
    return port


def stale_claims(folder: Path | None = None) -> list[Path]:
    """Claims of processes that have ended (harmless: the next run that meets one takes it over;
    `harness doctor --clean` removes them). Only small regular files of this account's count."""
    folder = folder or registry()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    stale = []
    for entry in entries:
        path = Path(entry.path)
        try:
            if not entry.is_file(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.geteuid():
                continue
        except OSError:
            continue
        if _stale(path):
            stale.append(path)
    return sorted(stale)


def _stale(path: Path) -> bool:
    holder = _holder(path)
    return holder is not None and not (holder and owner.alive(holder))


def remove_stale(paths: list[Path]) -> None:
    """Each claim that is still stale (a run may have taken one over since it was listed)."""
    for path in paths:
        if _stale(path):
            with contextlib.suppress(OSError):
                path.unlink()
