"""The copy of a submission never turns a hard link into a readable copy of someone else's file,
and follows no link, even one put there while it copies."""

from __future__ import annotations

import os
from pathlib import Path

from harness.grading.workspace import copy_submission


def test_a_hard_link_to_a_file_not_everyone_may_read_is_skipped_and_named(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    secret = tmp_path / "secret"
    secret.write_text("root only\n")
    secret.chmod(0o600)
    os.link(secret, src / "shadow")
    shared = tmp_path / "shared"
    shared.write_text("anyone\n")
    shared.chmod(0o644)
    os.link(shared, src / "dependency.js")  # pnpm's store, git's objects: hard links anyone may read
    (src / "own.txt").write_text("mine\n")
    (src / "own.txt").chmod(0o600)  # a file of the submission's own, not a link: copied
    report = copy_submission(src, tmp_path / "dst")
    dst = tmp_path / "dst"
    assert not (dst / "shadow").exists()
    assert report.skipped == ["shadow (a hard link to a file that not everyone may read)"]
    assert (dst / "dependency.js").read_text() == "anyone\n" and os.stat(dst / "dependency.js").st_nlink == 1
    assert (dst / "own.txt").read_text() == "mine\n"


def test_nested_folders_and_links_inside_them(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "a" / "b").mkdir(parents=True)
    (src / "a" / "b" / "c.js").write_text("c")
    os.symlink("/root", src / "a" / "home")
    copy_submission(src, tmp_path / "dst")
    assert (tmp_path / "dst" / "a" / "b" / "c.js").read_text() == "c"
    assert os.readlink(tmp_path / "dst" / "a" / "home") == "/root"
