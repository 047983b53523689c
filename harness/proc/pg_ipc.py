"""What a PostgreSQL server that did not shut down cleanly leaves in the kernel, given back.

A postmaster holds a small System V shared memory segment (its key and id on line 7 of
`postmaster.pid`) and removes it when it shuts down. Killed (a grading's cgroup emptied at the
end of a submission, a failover lab's primary, a harness killed outright), it leaves the
segment behind, and the next server on a new data folder never meets it: every such kill
costs one of the kernel's `kernel.shmmni` segments (4096 by default), and a grading machine
that reached the limit could start no PostgreSQL at all.

Its dynamic shared memory stays too. The servers the harness configures itself keep it in the
data folder (`dynamic_shared_memory_type = mmap`), where it goes with the folder; a lab that
grades the server's own configuration leaves that setting to the learner, and its default,
`posix`, keeps the segments in /dev/shm (about 1 MB each, in memory). They are found as the
next postmaster on the same folder would find them (dsm.c, dsm_cleanup_using_control_segment):
the System V header names the control segment, whose items name the others.

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
import struct
import time
from pathlib import Path

PID_FILE = "postmaster.pid"
SHM_TABLE = Path("/proc/sysvipc/shm")
IPC_RMID = 0
_READ_LIMIT = 4096
SHM_RDONLY = 0o10000
POSIX_SHM = Path("/dev/shm")
SEGMENT_PREFIX = "PostgreSQL."
# PGShmemHeader (pg_shmem.h, 64-bit): int32 magic, pid_t creatorPID, Size totalsize, Size
# freeoffset, then the dsm_handle (uint32) of the control segment.
SHMEM_MAGIC = 679834894
HEADER = struct.Struct("=i4xQQI")
# dsm_control_header (dsm.c): uint32 magic, nitems, maxitems, then the items from offset 16.
# An item (since PostgreSQL 14): uint32 handle, uint32 refcnt, size_t first_page, size_t
# npages, void *pm_handle, bool pinned: 40 bytes. An odd handle lies in the main shared memory
# (no file of its own); refcnt 0 is a free slot.
CONTROL_MAGIC = 0x9A503D32
CONTROL = struct.Struct("=III")
ITEMS_AT, ITEM_SIZE = 16, 40
_CONTROL_LIMIT = 1 << 22


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
    control = _control_handle(libc, shmid)
    if control is not None:
        _release_dynamic(control, uid)
    with contextlib.suppress(OSError):
        return bool(libc.shmctl(ctypes.c_int(shmid), ctypes.c_int(IPC_RMID), None) == 0)
    return False


def _control_handle(libc: ctypes.CDLL, shmid: int) -> int | None:
    """The control segment's handle, from the header of the server's System V segment (read
    only: nothing in it is ever written)."""
    libc.shmat.restype = ctypes.c_void_p
    address = libc.shmat(ctypes.c_int(shmid), None, ctypes.c_int(SHM_RDONLY))
    if address is None or address == ctypes.c_void_p(-1).value:
        return None
    try:
        magic, _total, _free, handle = HEADER.unpack(ctypes.string_at(address, HEADER.size))
    finally:
        libc.shmdt(ctypes.c_void_p(address))
    return handle if magic == SHMEM_MAGIC and handle != 0 else None


def _own_segment(handle: int, uid: int) -> Path | None:
    """/dev/shm/PostgreSQL.<handle> when it is a file of the server's account (not a link)."""
    path = POSIX_SHM / f"{SEGMENT_PREFIX}{handle}"
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return path if stat.S_ISREG(found.st_mode) and found.st_uid == uid else None


def _release_dynamic(control: int, uid: int) -> None:
    """Unlink the control segment and the segments its items name, each only when it is a file
    of the server's account: the control segment is that account's memory, so what it names is
    never trusted further than that."""
    path = _own_segment(control, uid)
    if path is None:
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return
    try:
        raw = os.read(fd, _CONTROL_LIMIT)
    finally:
        os.close(fd)
    named = []
    if len(raw) >= CONTROL.size and CONTROL.unpack_from(raw)[0] == CONTROL_MAGIC:
        count = min(CONTROL.unpack_from(raw)[1], (len(raw) - ITEMS_AT) // ITEM_SIZE)
        for index in range(max(count, 0)):
            handle, refcnt = struct.unpack_from("=II", raw, ITEMS_AT + index * ITEM_SIZE)
            if refcnt != 0 and handle % 2 == 0:
                named.append(handle)
    for handle in named:
        segment = _own_segment(handle, uid)
        if segment is not None:
            with contextlib.suppress(OSError):
                segment.unlink()
    with contextlib.suppress(OSError):
        path.unlink()


def release_left(folder: Path) -> None:
    """For the reaper of a harness that died: a server's folder it is about to remove (the
    cluster in `data`, as LocalPostgres lays it out), owned by the server's account."""
    data = folder / "data"
    with contextlib.suppress(OSError):
        if os.path.lexists(data / PID_FILE) and not os.path.islink(data):
            release(data, os.lstat(data).st_uid)
