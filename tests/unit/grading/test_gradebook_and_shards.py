"""The gradebook (rows, CSV, merging shards) and shard selection: pure parts of grading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.grading import gradebook
from harness.grading.gradebook import MergeError, Row, from_csv, merge, row_from, to_csv
from harness.grading.merge import merge_folders, missing_shards, write_meta
from harness.grading.shards import Shard, parse_shard, select
from harness.grading.verdicts import GRADED, Verdict

RESULTS = {
    "status": "fail", "score": 16.0, "max_score": 19.0,
    "tests": [{"id": "db.sql.parameterized", "status": "fail"}, {"id": "rest.shelf.contract", "status": "pass"},
              {"id": "db.pool.bounded", "status": "skip"}],
    "not_run": [{"id": "db.indexes.filters", "name": "x", "max_score": 2}],
}


def test_row_lists_failed_and_unrun_checks_not_skipped_ones() -> None:
    row = row_from("alice", RESULTS, GRADED, 12.34)
    assert row == Row("alice", 16.0, 19.0, "fail", "", ("db.sql.parameterized", "db.indexes.filters"), 12.34)


def test_a_check_that_could_not_conclude_is_named_in_the_verdict() -> None:
    inconclusive = {"id": "prod.load.rps", "status": "error", "cause": "environment", "message": "cannot check here"}
    row = row_from("carol", {**RESULTS, "tests": [*RESULTS["tests"], inconclusive]}, GRADED, 1.0)  # type: ignore[list-item]
    assert row.verdict.startswith("inconclusive on the grading machine: prod.load.rps (points not earned;")
    assert row.failed_checks == ("db.sql.parameterized", "prod.load.rps", "db.indexes.filters")
    crashed = {**inconclusive, "cause": "crash"}  # a harness bug is not the machine's: no such verdict
    assert row_from("dan", {**RESULTS, "tests": [crashed]}, GRADED, 1.0).verdict == ""
    limit = Verdict("cpu-time", "CPU time limit (2.0 min) exceeded", "limit")
    assert row_from("eve", {**RESULTS, "tests": [inconclusive]}, limit, 1.0).verdict == limit.text


def test_a_grader_error_is_an_error_whatever_the_results_say() -> None:
    row = row_from("bob", {**RESULTS, "status": "pass"}, Verdict("grader-error", "grader error: x", "grader"), 1.0)
    assert row.status == "error" and row.verdict == "grader error: x"


def test_csv_round_trip_with_commas_and_stable_columns() -> None:
    rows = [Row("zed", 0, 19, "error", "invalid harness.toml: a, b", (), 1.25),
            Row("amy", 19, 19, "pass", "", (), 5.0)]
    text = to_csv(rows)
    assert text.splitlines()[0] == "submission,score,max_score,status,verdict,failed_checks,duration_s"
    assert text.splitlines()[1].startswith("amy,19,19,pass,"), "sorted by submission"
    assert [r.without_duration() for r in from_csv(text)] == [r.without_duration() for r in sorted(
        rows, key=lambda r: r.submission)]


def test_reading_something_else_says_what_is_missing() -> None:
    with pytest.raises(MergeError, match=r"missing columns: .*verdict"):
        from_csv("submission,score\nx,1\n", "grades-2/gradebook.csv")


def test_merge_refuses_a_submission_graded_twice() -> None:
    row = Row("amy", 1, 2, "fail", "", (), 1.0)
    with pytest.raises(MergeError, match="amy is in two gradebooks: a and b"):
        merge({"a": [row], "b": [row]})


@pytest.mark.parametrize(("text", "shard"), [("3/10", Shard(3, 10)), (" 1 / 1 ", Shard(1, 1))])
def test_parse_shard(text: str, shard: Shard) -> None:
    assert parse_shard(text) == shard


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0"])
def test_bad_shards_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="K"):
        parse_shard(text)


def test_shards_cover_every_submission_once_and_are_balanced() -> None:
    names = [f"s{n:02d}" for n in range(23)]
    shards = [select(list(reversed(names)), Shard(k, 5)) for k in range(1, 6)]
    assert sorted(n for shard in shards for n in shard) == names
    assert {len(s) for s in shards} <= {4, 5}
    assert select(names, None) == names


def _shard_folder(root: Path, index: int, total: int, rows: list[Row], lab: str = "node/week-18") -> Path:
    folder = root / f"grades-{index}"
    folder.mkdir()
    gradebook.write(folder / gradebook.FILE, rows)
    write_meta(folder, {"lab": lab, "policy": {"points": {}}, "shard": {"index": index, "total": total}})
    for row in rows:
        (folder / row.submission).mkdir()
        (folder / row.submission / "results.json").write_text(json.dumps({"score": row.score}))
    return folder


def test_merge_folders_combines_reports_and_names_missing_shards(tmp_path: Path) -> None:
    a = _shard_folder(tmp_path, 1, 3, [Row("amy", 19, 19, "pass", "", (), 1.0)])
    b = _shard_folder(tmp_path, 3, 3, [Row("bob", 0, 19, "error", "never ready", ("x",), 2.0)])
    rows, warnings = merge_folders([a, b], tmp_path / "final")
    assert [r.submission for r in rows] == ["amy", "bob"]
    assert warnings == ["shard 2/3 is missing: its submissions are not in the gradebook"]
    assert (tmp_path / "final" / "bob" / "results.json").is_file()
    assert gradebook.read(tmp_path / "final" / gradebook.FILE) == rows


def test_merge_refuses_shards_of_different_labs(tmp_path: Path) -> None:
    a = _shard_folder(tmp_path, 1, 2, [], lab="node/week-18")
    b = _shard_folder(tmp_path, 2, 2, [], lab="node/week-21")
    with pytest.raises(MergeError, match="another lab"):
        merge_folders([a, b], tmp_path / "final")


def test_merge_needs_the_grade_manifest(tmp_path: Path) -> None:
    with pytest.raises(MergeError, match=r"no grade\.json"):
        merge_folders([tmp_path], tmp_path / "final")


def test_missing_shards_only_when_totals_agree() -> None:
    assert missing_shards([{"shard": {"index": 2, "total": 2}}]) == ["1/2"]
    assert missing_shards([{"shard": None}]) == []
