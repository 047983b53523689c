"""Copying an untrusted folder without trusting it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.grading.workspace import SubmissionTooLarge, Workspace, allocate_uid, copy_submission


def test_symlinks_stay_links_and_special_files_are_skipped(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.js").write_text("x")
    (src / "run.sh").write_text("#!/bin/sh")
    os.chmod(src / "run.sh", 0o4755)
    os.symlink("/etc/shadow", src / "secret")
    os.mkfifo(src / "pipe")
    report = copy_submission(src, tmp_path / "dst")
    dst = tmp_path / "dst"
    assert (dst / "sub" / "a.js").read_text() == "x"
    assert os.readlink(dst / "secret") == "/etc/shadow", "never followed"
    assert not (dst / "pipe").exists() and report.skipped == ["pipe (a FIFO)"]
    assert os.stat(dst / "run.sh").st_mode & 0o7777 == 0o755, "no setuid bit survives"


def test_size_and_count_caps(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for n in range(5):
        (src / f"f{n}").write_bytes(b"x" * 100)
    with pytest.raises(SubmissionTooLarge, match="more than 3 files"):
        copy_submission(src, tmp_path / "a", max_files=3)
    with pytest.raises(SubmissionTooLarge, match="MB"):
        copy_submission(src, tmp_path / "b", max_bytes=250)


def test_workspace_folders_and_modes(tmp_path: Path) -> None:
    template = tmp_path / "template"
    (template / ".npm").mkdir(parents=True)
    (template / ".npmrc").write_text("prefer-offline=true\n")
    space = Workspace.create(tmp_path / "0001", template)
    space.work.mkdir()
    space.hand_over(None)
    assert (space.home / ".npmrc").is_file()
    assert oct(space.root.stat().st_mode & 0o777) == "0o711"
    assert oct(space.work.stat().st_mode & 0o777) == "0o700"


def test_uids_are_not_handed_out_twice() -> None:
    # A range no grader uses (DEFAULT_UIDS is 1790000-1799999): a grading test running at the
    # same time holds uids of its own, which would count as taken here.
    low, high = 1_899_000, 1_899_003
    taken: set[int] = set()
    uids = {allocate_uid(low, high, taken) for _ in range(4)}
    assert uids == set(range(low, high + 1)) == taken
    with pytest.raises(RuntimeError, match="no free uid"):
        allocate_uid(low, high, taken)
