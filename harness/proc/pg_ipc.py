"""What a PostgreSQL server that did not shut down cleanly leaves in the kernel, given back.

A postmaster holds a small System V shared memory segment (its key and id on line 7 of
`postmaster.pid`) and removes it when it shuts down. Killed (a grading's cgroup emptied at the
end of a submission, a failover lab's primary, a harness killed outright), it leaves the
segment behind, and the next server on a new data folder never meets it: every such kill
costs one of the kernel's `kernel.shmmni` segments (4096 by default), and a grading machine
that reached the limit could start no PostgreSQL at all. (The dynamic shared memory of the
servers the harness configures itself is kept in the data folder, `dynamic_shared_memory_type
= mmap`, and goes with it; a lab that grades the server's configuration leaves that to the
learner.)

The pid file is the server's, whose account is a graded submission's when grading: it is
read without following a link or blocking on a FIFO, and the segment it names is removed only
when nothing has it attached and the server's own account owns it, so a planted id can only
ever name a leftover of that same account.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import stat
import time
from pathlib import Path

PID_FILE = "postmaster.pid"
SHM_TABLE = Path("/proc/sysvipc/shm")
IPC_RMID = 0
_READ_LIMIT = 4096


def _segment_id(data: Path) -> int | None:
    """The shared memory id `postmaster.pid` names (line 7: key and id), if it names one."""
    try:
        fd = os.open(data / PID_FILE, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        lines = os.read(fd, _READ_LIMIT).decode(errors="replace").splitlines()
    finally:
        os.close(fd)
    parts = lines[6].split() if len(lines) > 6 else []
    return int(parts[1]) if len(parts) == 2 and parts[1].isdigit() else None


def _attached_and_owner(shmid: int, table: Path = SHM_TABLE) -> tuple[int, int] | None:
    """(processes attached, owner uid) of the segment, from the kernel's table; None if gone."""
    try:
        rows = table.read_text().splitlines()[1:]
    except OSError:
        return None
    for row in rows:
        fields = row.split()
        # key shmid perms size cpid lpid nattch uid ...
        if len(fields) > 7 and fields[1] == str(shmid):
            return int(fields[6]), int(fields[7])
    return None


def release(data: Path, uid: int, settle_s: float = 2.0) -> bool:
    """Remove the segment a stopped server left, when its account owns it and nothing uses it.
    A killed postmaster's children detach as they exit, a moment after it: they are given
    `settle_s` to go."""
    shmid = _segment_id(data)
    if shmid is None:
        return False
    deadline = time.monotonic() + settle_s
    found = _attached_and_owner(shmid)
    while found is not None and found[1] == uid and found[0] > 0 and time.monotonic() < deadline:
        time.sleep(0.02)
        found = _attached_and_owner(shmid)
    if found is None or found != (0, uid):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    with contextlib.suppress(OSError):
        return bool(libc.shmctl(ctypes.c_int(shmid), ctypes.c_int(IPC_RMID), None) == 0)
    return False


def release_left(folder: Path) -> None:
    """For the reaper of a harness that died: a server's folder it is about to remove (the
    cluster in `data`, as LocalPostgres lays it out), owned by the server's account."""
    data = folder / "data"
    with contextlib.suppress(OSError):
        if os.path.lexists(data / PID_FILE) and not os.path.islink(data):
            release(data, os.lstat(data).st_uid)
