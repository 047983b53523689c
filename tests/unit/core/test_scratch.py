"""Where a local PostgreSQL's throwaway cluster goes: /dev/shm when it is a writable tmpfs with
room and the machine has memory to spare, the temp folder otherwise, and always a TMPDIR the
environment sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.services import scratch, users


def _mounts(tmp_path: Path, kind: str, where: Path) -> Path:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\n{kind} {where} {kind} rw,nosuid,nodev 0 0\n")
    return mounts


def _meminfo(tmp_path: Path, available_kib: int) -> Path:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(f"MemTotal:       25165824 kB\nMemAvailable:   {available_kib} kB\n")
    return meminfo


@pytest.fixture()
def memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with room: its filesystem's free space is said to be twice the minimum, whatever the
    machine running the tests has."""
    folder = tmp_path / "shm"
    folder.mkdir()
    monkeypatch.setattr(scratch, "free_bytes", lambda _path: 2 * scratch.MIN_FREE_BYTES)
    return folder


def test_a_writable_tmpfs_with_room_holds_the_cluster(tmp_path: Path, memory: Path) -> None:
    found = scratch.cluster_parent({}, memory, _mounts(tmp_path, "tmpfs", memory), _meminfo(tmp_path, 8 << 20))
    assert found == str(memory)


def test_a_tmpdir_of_the_environment_is_used_as_it_is(tmp_path: Path, memory: Path) -> None:
    env = {"TMPDIR": str(tmp_path)}
    assert scratch.cluster_parent(env, memory, _mounts(tmp_path, "tmpfs", memory), _meminfo(tmp_path, 8 << 20)) is None


def test_a_graded_submissions_servers_stay_in_its_workspace(tmp_path: Path, memory: Path) -> None:
    # Even where the grader's TMPDIR were missing: a folder the whole machine shares is never theirs.
    env = {users.SERVICE_UID_ENV: "61000"}
    assert scratch.cluster_parent(env, memory, _mounts(tmp_path, "tmpfs", memory), _meminfo(tmp_path, 8 << 20)) is None


def test_too_little_room_in_the_memory_filesystem_means_the_temp_folder(tmp_path: Path, memory: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scratch, "free_bytes", lambda _path: scratch.MIN_FREE_BYTES - 1)
    assert scratch.cluster_parent({}, memory, _mounts(tmp_path, "tmpfs", memory), _meminfo(tmp_path, 8 << 20)) is None


def test_free_bytes_reads_the_filesystem_and_says_zero_when_it_cannot(tmp_path: Path) -> None:
    assert scratch.free_bytes(tmp_path / "missing") == 0 and scratch.free_bytes(tmp_path) > 0


def test_no_tmpfs_or_too_little_memory_means_the_temp_folder(tmp_path: Path, memory: Path) -> None:
    plenty, scarce = _meminfo(tmp_path, 8 << 20), (scratch.MIN_FREE_BYTES >> 10) - 1
    assert scratch.cluster_parent({}, memory, _mounts(tmp_path, "ext4", memory), plenty) is None
    assert scratch.cluster_parent({}, tmp_path / "missing", _mounts(tmp_path, "tmpfs", tmp_path / "missing"),
                                  plenty) is None
    low = tmp_path / "low"
    low.mkdir()
    assert scratch.cluster_parent({}, memory, _mounts(tmp_path, "tmpfs", memory), _meminfo(low, scarce)) is None
