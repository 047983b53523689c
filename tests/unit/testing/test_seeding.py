"""A seeded copy: the bug is in the copy, never in the project; dependencies are linked, output left out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.catalog import SeededBug
from harness.runner.bugs import SCRATCH, SeedError, clear_leftovers, discard, seeded_copy

BUG = SeededBug("testing.catches.loan_oversell", "src/loans.js", " AND copies_available > 0", "")
SOURCE = "UPDATE books SET copies_available = copies_available - 1 WHERE id = $1 AND copies_available > 0\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shelf"
    (root / "src").mkdir(parents=True)
    (root / "src" / "loans.js").write_text(SOURCE)
    (root / "node_modules" / "pg").mkdir(parents=True)
    (root / "coverage").mkdir()
    (root / "coverage" / "coverage-summary.json").write_text("{}")
    (root / ".git").mkdir()
    (root / "src" / "__pycache__").mkdir()
    (root / "src" / "build").mkdir()  # a source folder that happens to share an output's name
    return root


def test_the_bug_is_planted_in_a_copy_only(project: Path) -> None:
    copy = seeded_copy(project, BUG, "bug-1")
    assert copy == project / SCRATCH / "bugs" / "bug-1"
    assert (copy / "src" / "loans.js").read_text() == SOURCE.replace(BUG.find, "")
    assert (project / "src" / "loans.js").read_text() == SOURCE
    assert (copy / "node_modules").is_symlink() and (copy / "node_modules" / "pg").is_dir()
    assert not (copy / "coverage").exists() and not (copy / ".git").exists()
    assert not (copy / "src" / "__pycache__").exists() and (copy / "src" / "build").is_dir()
    discard(copy)
    assert not (project / SCRATCH).exists(), "no empty .harness folder is left in the project"


def test_a_changed_file_is_reported_and_leaves_nothing(project: Path) -> None:
    (project / "src" / "loans.js").write_text("UPDATE books SET copies_available = 0\n")
    with pytest.raises(SeedError, match=r"is not in src/loans\.js"):
        seeded_copy(project, BUG, "bug-1")
    assert not (project / SCRATCH).exists()


def test_an_ambiguous_place_is_refused(project: Path) -> None:
    (project / "src" / "loans.js").write_text(SOURCE * 2)
    with pytest.raises(SeedError, match=r"is 2 times in src/loans\.js"):
        seeded_copy(project, BUG, "bug-1")


def test_a_missing_file_is_reported(project: Path) -> None:
    (project / "src" / "loans.js").unlink()
    with pytest.raises(SeedError, match=r"src/loans\.js could not be read"):
        seeded_copy(project, BUG, "bug-1")


def test_a_stale_copy_from_a_killed_run_is_replaced(project: Path) -> None:
    stale = project / SCRATCH / "bugs" / "bug-1"
    (stale / "src").mkdir(parents=True)
    (stale / "src" / "loans.js").write_text("left behind")
    copy = seeded_copy(project, BUG, "bug-1")
    assert (copy / "src" / "loans.js").read_text() == SOURCE.replace(BUG.find, "")


def test_leftovers_of_a_killed_run_are_cleared(project: Path) -> None:
    (project / SCRATCH / "bugs" / "bug-3" / "tests").mkdir(parents=True)
    clear_leftovers(project)
    assert not (project / SCRATCH).exists()


def test_links_planted_by_a_submission_do_not_steer_the_writes(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / SCRATCH).symlink_to(outside, target_is_directory=True)
    copy = seeded_copy(project, BUG, "bug-1")
    assert not (project / SCRATCH).is_symlink() and copy.is_dir()
    assert list(outside.iterdir()) == []
    discard(copy)
    secret = outside / "secret.js"
    secret.write_text(SOURCE)
    (project / "src" / "loans.js").unlink()
    (project / "src" / "loans.js").symlink_to(secret)
    with pytest.raises(SeedError, match="is a link"):
        seeded_copy(project, BUG, "bug-1")
    assert secret.read_text() == SOURCE
    (project / "src" / "loans.js").unlink()
    shutil.rmtree(project / "src")
    (project / "src").symlink_to(outside, target_is_directory=True)
    (outside / "loans.js").write_text(SOURCE)
    with pytest.raises(SeedError, match="is a link"):
        seeded_copy(project, BUG, "bug-1")
    assert (outside / "loans.js").read_text() == SOURCE
