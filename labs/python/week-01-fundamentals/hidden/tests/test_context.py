"""The lab's hidden tests of shelfkit.atomic_write: the file is replaced whole on success, kept
as it was on an error, the error goes on, and no temporary file is left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from shelfkit import atomic_write


class Boom(Exception):
    pass


def test_the_block_writes_the_file_when_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.txt"
    with atomic_write(path) as out:
        out.write("Dune\n")
        out.write("Emma\n")
    assert path.read_text("utf-8") == "Dune\nEmma\n"
    assert os.listdir(tmp_path) == ["catalogue.txt"], "a temporary file is left behind"


def test_the_file_keeps_its_old_content_until_the_block_ends(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.txt"
    path.write_text("old\n", "utf-8")
    with atomic_write(str(path)) as out:
        out.write("new\n")
        out.flush()
        assert path.read_text("utf-8") == "old\n", "the file changed before the block ended"
    assert path.read_text("utf-8") == "new\n"


def test_an_error_in_the_block_leaves_the_old_file_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.txt"
    path.write_text("old\n", "utf-8")
    error = Boom("disk full")
    with pytest.raises(Boom) as raised, atomic_write(path) as out:
        out.write("half of the new")
        raise error
    assert raised.value is error
    assert path.read_text("utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["catalogue.txt"], "a temporary file is left behind"


def test_an_error_leaves_a_missing_file_missing(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.txt"
    with pytest.raises(KeyboardInterrupt), atomic_write(path) as out:
        out.write("x")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_the_temporary_file_is_in_the_same_folder(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.txt"
    with atomic_write(path) as out:
        out.write("x")
        out.flush()
        others = [name for name in os.listdir(tmp_path) if name != "catalogue.txt"]
        assert len(others) == 1, f"expected one temporary file beside the target, found {others}"
    assert os.listdir(tmp_path) == ["catalogue.txt"]


def test_text_mode_uses_the_encoding_and_binary_mode_takes_bytes(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.txt"
    with atomic_write(path) as out:
        out.write("Ὅμηρος")
    assert path.read_bytes() == "Ὅμηρος".encode()
    with atomic_write(path, encoding="latin-1") as out:
        out.write("é")
    assert path.read_bytes() == b"\xe9"
    with atomic_write(path, "wb") as out:
        out.write(b"\x00\xff")
    assert path.read_bytes() == b"\x00\xff"


@pytest.mark.parametrize("mode", ["r", "a", "w+", "x"])
def test_other_modes_are_refused(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "catalogue.txt"
    path.write_text("old\n", "utf-8")
    with pytest.raises(ValueError), atomic_write(path, mode):  # type: ignore[arg-type]
        pass
    assert path.read_text("utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["catalogue.txt"]
