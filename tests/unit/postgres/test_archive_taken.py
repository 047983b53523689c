"""pg.archive.works' overwrite probe: the file the harness puts in the archive folder is made, and
read back, through the folder's descriptor, and never through a link the server's account (in
grading, the submission's) may have put under that name."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import cast

from harness.validators.postgres.archive import TAKEN, _plant, _still_taken
from harness.validators.postgres.server import LabServer

NAME = "000000010000000000000002"


def _lab(folder: Path) -> tuple[LabServer, int]:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    return cast(LabServer, SimpleNamespace(archive_fd=fd)), fd


def test_the_planted_file_is_read_back_until_something_replaces_it(tmp_path: Path) -> None:
    lab, fd = _lab(tmp_path)
    try:
        _plant(lab, NAME)
        assert (tmp_path / NAME).read_bytes() == TAKEN
        assert _still_taken(lab, NAME)
        (tmp_path / NAME).write_bytes(b"a real segment's bytes")
        assert not _still_taken(lab, NAME)
        (tmp_path / NAME).unlink()
        assert not _still_taken(lab, NAME)
    finally:
        os.close(fd)


def test_a_link_under_the_name_is_neither_written_through_nor_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_bytes(TAKEN)  # even a link to a file holding the very bytes is not the planted file
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / NAME).symlink_to(outside)
    lab, fd = _lab(archive)
    try:
        _plant(lab, NAME)
        assert outside.read_bytes() == TAKEN and (archive / NAME).is_symlink()
        assert not _still_taken(lab, NAME)
    finally:
        os.close(fd)


def test_the_folder_swapped_for_a_link_after_it_was_opened_is_not_followed(tmp_path: Path) -> None:
    archive, elsewhere = tmp_path / "archive", tmp_path / "elsewhere"
    archive.mkdir()
    elsewhere.mkdir()
    lab, fd = _lab(archive)
    try:
        archive.rename(tmp_path / "moved")
        archive.symlink_to(elsewhere)
        _plant(lab, NAME)
        assert not (elsewhere / NAME).exists()
        assert (tmp_path / "moved" / NAME).read_bytes() == TAKEN
    finally:
        os.close(fd)


def test_a_folder_or_a_fifo_under_the_name_counts_as_replaced(tmp_path: Path) -> None:
    lab, fd = _lab(tmp_path)
    try:
        (tmp_path / NAME).mkdir()
        assert not _still_taken(lab, NAME)
        (tmp_path / NAME).rmdir()
        os.mkfifo(tmp_path / NAME)
        assert not _still_taken(lab, NAME), "a FIFO with no writer is read as empty, never waited on"
    finally:
        os.close(fd)
