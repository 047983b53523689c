"""A submission's uid leaves nothing in the machine's shared temporary folders (leftovers.py).

Each test writes as a uid of its own, through a real process switched to it (setpriv), in the
real /tmp: the files a jail without bubblewrap would leave there.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest

from harness import systools as tools
from harness.grading.leftovers import owned_entries, remove_left
from harness.grading.workspace import uid_in_use

UID = 1_790_000 + secrets.randbelow(9_000)  # far from any account's


def _as_uid(uid: int, script: str) -> None:
    if os.geteuid() != 0:
        pytest.fail("run this test as root")
    subprocess.run([tools.tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
                    "/bin/sh", "-c", script], check=True, env=tools.ROOT_ENV, cwd="/")


def test_what_a_uid_wrote_in_tmp_is_removed_and_nothing_else() -> None:
    name = f"/tmp/harness-leftover-{secrets.token_hex(4)}"
    root_file = Path(f"{name}-roots")
    root_file.write_text("the machine's")
    others = f"{name}-others"
    # A file, a folder with a file in it (a Tomcat work folder), a link to a root-owned file
    # (root must never follow it), and in /dev/shm a file; another uid's file stays.
    _as_uid(UID, f"echo answers > {name}-file && mkdir -p {name}-dir/work/x && echo a > {name}-dir/work/x/y "
                 f"&& ln -s {root_file} {name}-link && echo s > /dev/shm/{Path(name).name}")
    _as_uid(UID + 1, f"echo theirs > {others}")
    try:
        mine = sorted(owned_entries(UID))
        assert mine == sorted([f"{name}-file", f"{name}-dir", f"{name}-link", f"/dev/shm/{Path(name).name}"])
        assert uid_in_use(UID), "a uid with files in /tmp is not given to another submission"
        removed = remove_left(UID)
        assert sorted(removed) == mine
        assert owned_entries(UID) == []
        assert root_file.read_text() == "the machine's", "the link was removed, not what it points to"
        assert Path(others).read_text() == "theirs\n"
        assert not uid_in_use(UID)
    finally:
        remove_left(UID)
        remove_left(UID + 1)
        root_file.unlink(missing_ok=True)


def test_one_level_down_in_a_world_writable_folder_too() -> None:
    shared = Path(f"/tmp/harness-shared-{secrets.token_hex(4)}")
    shared.mkdir()
    os.chmod(shared, 0o1777)  # as /tmp/.X11-unix is
    try:
        _as_uid(UID, f"echo x > {shared}/mine")
        assert owned_entries(UID) == [f"{shared}/mine"]
        assert remove_left(UID) == [f"{shared}/mine"]
        assert shared.is_dir() and not any(shared.iterdir())
    finally:
        remove_left(UID)
        shared.rmdir()


def test_a_uid_that_left_nothing_costs_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing to remove: no rm started")

    monkeypatch.setattr(subprocess, "run", no_run)
    assert remove_left(UID + 2) == []
