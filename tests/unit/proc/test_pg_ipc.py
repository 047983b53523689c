"""pg_ipc.release reads a pid file the server's account wrote (a graded submission's, when
grading) and runs as root: a link or a FIFO in its place is never followed nor blocks, and the
segment it names is removed only when the given account owns it and nothing has it attached;
the dynamic segments in /dev/shm are named by memory that account wrote, and only its own files
among them go."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
from pathlib import Path

import pytest

from harness.proc import pg_ipc
from harness.proc.pg_ipc import release

IPC_PRIVATE, IPC_CREAT = 0, 0o1000
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def _segment() -> int:
    shmid = int(libc.shmget(IPC_PRIVATE, 56, IPC_CREAT | 0o600))
    assert shmid >= 0, os.strerror(ctypes.get_errno())
    return shmid


def _exists(shmid: int) -> bool:
    return any(row.split()[1] == str(shmid) for row in Path("/proc/sysvipc/shm").read_text().splitlines()[1:])


def _pid_file(data: Path, shmid: int) -> None:
    data.mkdir(exist_ok=True)
    (data / "postmaster.pid").write_text(f"1\n{data}\n0\n5432\n\n127.0.0.1\n  4242   {shmid}\nready\n")


def test_a_segment_of_another_account_is_left_alone_and_its_own_is_given_back(tmp_path: Path) -> None:
    shmid = _segment()
    try:
        _pid_file(tmp_path / "data", shmid)
        assert not release(tmp_path / "data", os.geteuid() + 1, settle_s=0.1), "another account's: a planted id"
        assert _exists(shmid)
        assert release(tmp_path / "data", os.geteuid())
        assert not _exists(shmid)
    finally:
        libc.shmctl(shmid, 0, None)


def test_a_pid_file_that_is_a_link_or_a_fifo_is_not_read(tmp_path: Path) -> None:
    shmid = _segment()
    try:
        elsewhere = tmp_path / "elsewhere"
        _pid_file(elsewhere, shmid)
        (tmp_path / "linked").mkdir()
        (tmp_path / "linked" / "postmaster.pid").symlink_to(elsewhere / "postmaster.pid")
        assert not release(tmp_path / "linked", os.geteuid())
        (tmp_path / "fifo").mkdir()
        os.mkfifo(tmp_path / "fifo" / "postmaster.pid")
        assert not release(tmp_path / "fifo", os.geteuid()), "a FIFO: not opened for a read that would block"
        assert _exists(shmid)
    finally:
        libc.shmctl(shmid, 0, None)


@pytest.mark.parametrize("line", ["", "  4242", "  4242  not-a-number", "\n\n\n"])
def test_a_pid_file_without_a_segment_line_names_nothing(tmp_path: Path, line: str) -> None:
    (tmp_path / "postmaster.pid").write_text(f"1\n2\n3\n4\n5\n6\n{line}\n")
    assert not release(tmp_path, os.geteuid())


def _control(folder: Path, handle: int, items: list[tuple[int, int]], magic: int = 0x9A503D32) -> Path:
    raw = struct.pack("=III4x", magic, len(items), 64)
    for item, refcnt in items:
        raw += struct.pack("=IIQQQ?7x", item, refcnt, 0, 0, 0, False)
    path = folder / f"PostgreSQL.{handle}"
    path.write_bytes(raw)
    return path


def _segment_file(folder: Path, handle: int, uid: int | None = None) -> Path:
    path = folder / f"PostgreSQL.{handle}"
    path.write_bytes(b"\0" * 64)
    if uid is not None:
        os.chown(path, uid, -1)
    return path


def test_the_dynamic_segments_the_control_segment_names_go_when_they_are_the_accounts_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_ipc, "POSIX_SHM", tmp_path)
    own, others, main_region, free = (_segment_file(tmp_path, 1000), _segment_file(tmp_path, 2000, 54321),
                                      _segment_file(tmp_path, 3001), _segment_file(tmp_path, 4000))
    control = _control(tmp_path, 10, [(1000, 2), (2000, 1), (3001, 2), (4000, 0)])
    pg_ipc._release_dynamic(10, os.geteuid())
    assert not control.exists() and not own.exists()
    assert others.exists(), "another account's file, named by memory the server's account wrote"
    assert main_region.exists(), "an odd handle lies in the main shared memory: no file of its own"
    assert free.exists(), "a free slot (refcnt 0) names nothing"


def test_a_control_segment_that_is_a_link_or_another_accounts_or_garbage_removes_nothing_else(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_ipc, "POSIX_SHM", tmp_path)
    victim = _segment_file(tmp_path, 1000)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _control(elsewhere, 10, [(1000, 2)])
    (tmp_path / "PostgreSQL.10").symlink_to(elsewhere / "PostgreSQL.10")
    pg_ipc._release_dynamic(10, os.geteuid())
    assert victim.exists() and (tmp_path / "PostgreSQL.10").is_symlink()
    _control(tmp_path, 20, [(1000, 2)])
    os.chown(tmp_path / "PostgreSQL.20", 54321, -1)
    pg_ipc._release_dynamic(20, os.geteuid())
    assert victim.exists() and (tmp_path / "PostgreSQL.20").exists()
    garbage = _control(tmp_path, 30, [(1000, 2)], magic=0)
    pg_ipc._release_dynamic(30, os.geteuid())
    assert victim.exists() and not garbage.exists(), "its own control file goes; what garbage names stays"
    huge = tmp_path / "PostgreSQL.40"
    huge.write_bytes(struct.pack("=III4x", 0x9A503D32, 2**32 - 1, 2**32 - 1) + struct.pack("=II", 1000, 2))
    pg_ipc._release_dynamic(40, os.geteuid())
    assert victim.exists(), "a count beyond the file's end reads no item past it"
