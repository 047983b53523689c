"""The aggregator's log folder lives in the project, which is a graded submission's: its account
may rename or replace the folders while the harness, as root, writes the 500 MiB log and removes
them. Every step goes through the folders as they were made, never through the path again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.validators.internals.access_log import plan
from harness.validators.internals.aggregator_run import _scratch, _write


def test_a_log_folder_replaced_by_a_link_neither_redirects_the_write_nor_the_removal(tmp_path: Path) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (elsewhere / "keep").write_text("not the harness's")
    scratch = _scratch(project)
    moved = project / ".harness" / "moved"
    scratch.path.rename(moved)
    scratch.path.symlink_to(elsewhere, target_is_directory=True)
    _write(scratch, plan(7, 1))
    assert not (elsewhere / "access.log").exists(), "the write followed the link"
    assert (moved / "access.log").stat().st_size > 0, "written into the folder as it was made"
    scratch.remove()
    assert (elsewhere / "keep").read_text() == "not the harness's"
    assert scratch.path.is_symlink(), "a link in the folder's place is not followed, nor removed as a folder"


def test_a_scratch_parent_that_is_a_link_is_refused(tmp_path: Path) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / ".harness").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OSError):
        _scratch(project)
    assert list(elsewhere.iterdir()) == []


def test_the_folder_and_an_empty_harness_folder_go_and_the_descriptors_close(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    before = len(os.listdir("/proc/self/fd"))
    scratch = _scratch(project)
    _write(scratch, plan(3, 1))
    scratch.remove()
    assert not (project / ".harness").exists()
    assert len(os.listdir("/proc/self/fd")) == before
