"""`harness grade`'s argument handling: which folders are submissions, and usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.commands.grade import _uid_range
from harness.errors import UsageError
from harness.grading.batch import find_sources


def test_submissions_are_the_folders_beside_the_reports(tmp_path: Path) -> None:
    for name in ("alice", "bob", ".git", "__MACOSX", "grades"):
        (tmp_path / name).mkdir()
    (tmp_path / "carol.zip").write_text("PK")
    warned: list[str] = []
    sources = find_sources(tmp_path, single=False, out=(tmp_path / "grades").resolve(), warn=warned.append)
    assert sorted(sources) == ["alice", "bob"]
    assert any("carol.zip: not a folder, skipped" in w for w in warned)


def test_single_finds_a_project_one_folder_down(tmp_path: Path) -> None:
    upload = tmp_path / "submission"
    (upload / "shelf-main").mkdir(parents=True)
    (upload / "shelf-main" / "harness.toml").write_text('track = "node"\n')
    found = find_sources(upload, single=True, out=tmp_path / "out", warn=print)
    assert found == {"submission": upload / "shelf-main"}
    (upload / "harness.toml").write_text('track = "node"\n')
    assert find_sources(upload, single=True, out=tmp_path / "out", warn=print) == {"submission": upload}


@pytest.mark.parametrize("text", ["5-1", "abc", "10-20", "2000"])
def test_bad_uid_ranges(text: str) -> None:
    with pytest.raises(UsageError, match="LOW-HIGH"):
        _uid_range(text)


@pytest.mark.parametrize(("argv", "words"), [
    (["grade"], "needs SUBMISSIONS and --lab"),
    (["grade", ".", "--lab", "node/week-18", "--shard", "0/3"], "K must be between 1 and N"),
    (["grade", ".", "--lab", "node/week-18", "--jobs", "0"], "--jobs must be at least 1"),
    (["grade", "--merge", "nowhere"], "no grade.json"),
    (["grade", "--gradescope-bundle", "node/week-18", "--out", "bundle.tar"], "the zip to write"),
    (["grade", ".", "--lab", "node/week-18", "--points", "db.nope=3"], "not a check of this lab"),
])
def test_usage_errors_say_what_to_do(argv: list[str], words: str, capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 4
    assert words in capsys.readouterr().err
