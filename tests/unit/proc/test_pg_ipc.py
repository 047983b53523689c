"""pg_ipc.release reads a pid file the server's account wrote (a graded submission's, when
grading) and runs as root: a link or a FIFO in its place is never followed nor blocks, and the
segment it names is removed only when the given account owns it and nothing has it attached."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

import pytest

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
