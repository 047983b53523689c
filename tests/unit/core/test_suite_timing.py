"""The test suite's own time table: seconds per group and per lab's proofs, summed over runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.timing import Tally, append, group_of, record_run, report

LABS = "tests/integration/test_labs.py"


def test_groups_come_from_the_load_marker_then_the_path() -> None:
    assert group_of("tests/unit/core/test_x.py::test_a", ["slow"]) == "unit"
    assert group_of(f"{LABS}::test_reference_passes_every_check[node/week-18-local]", []) == "labs"
    assert group_of(f"{LABS}::test_reference_passes_every_check[backend/production-local]", ["load"]) == "load"
    assert group_of("tests/grading/test_grade_corpus.py::test_corpus", []) == "grading"
    assert group_of("tests/integration/test_cleanup.py::test_x[local]", []) == "integration"


def _tally() -> Tally:
    tally = Tally()
    for when, seconds in (("setup", 1.0), ("call", 20.0), ("teardown", 0.5)):
        tally.add(f"{LABS}::test_reference_passes_every_check[node/week-24-local]", when, seconds, [],
                  [("lab_id", "node/week-24")])
        tally.add(f"{LABS}::test_reference_passes_every_check[backend/production-local]", when, seconds, ["load"],
                  [("lab_id", "backend/production")])
    tally.add("tests/unit/core/test_x.py::test_a", "setup", 0.25, [], [])
    return tally


def test_a_test_counts_once_and_all_its_phases_count() -> None:
    tally = _tally()
    assert tally.seconds == {"labs": 21.5, "load": 21.5, "unit": 0.25}
    assert tally.tests == {"labs": 1, "load": 1, "unit": 1}
    assert tally.lab_runs == {"node/week-24": 1, "backend/production": 1}, "the capstone's load proofs count too"


def test_the_closing_table_sums_every_run(tmp_path: Path) -> None:
    times = tmp_path / "times"
    append(times, _tally())
    append(times, _tally())
    text = report(times, [("lint (ruff)", 3.0), ("pytest (not load)", 1500.0)])
    assert text.splitlines()[0] == "scripts/test: 25.1 min in all"
    assert ["pytest", "(not", "load)", "25.0", "min"] in [line.split() for line in text.splitlines()], text
    assert any(line.split() == ["labs", "2", "43.0", "50%"] for line in text.splitlines()), text
    assert any(line.split() == ["node/week-24", "2", "43.0"] for line in text.splitlines()), text


def test_no_pytest_run_still_gives_the_steps(tmp_path: Path) -> None:
    text = report(tmp_path / "missing", [("lint (ruff)", 2.5)])
    assert "lint (ruff)" in text and "2.5 s" in text and "group" not in text


def test_each_step_shows_the_machines_idle_and_stolen_cpu(tmp_path: Path) -> None:
    from tests.support.timing import main

    times = tmp_path / "times"
    append(times, _tally())
    code = main([str(times), "lint (ruff)=2.5@-,-", "pytest (not load)=1500@31,4"])
    assert code == 0
    text = report(times, [("lint (ruff)", 2.5), ("pytest (not load)", 1500.0)], {"pytest (not load)": "31,4"})
    assert ["pytest", "(not", "load)", "25.0", "min", "31%", "4%"] in [line.split() for line in text.splitlines()]
    assert ["lint", "(ruff)", "2.5", "s"] in [line.split() for line in text.splitlines()]


def test_the_closing_table_names_the_phases_and_checks_the_harness_runs_spent_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    times = tmp_path / "times"
    monkeypatch.setenv("HARNESS_TEST_TIMES", str(times))
    record_run({"tests": [{"id": "db.pool.bounded", "duration_s": 4.0},
                          {"id": "rest.shelf.contract", "duration_s": 1.5}],
                "timings_s": {"install": 0.5, "tests": 5.5}, "lab": "node/week-18"}, 6.0)
    record_run({"tests": [{"id": "db.pool.bounded", "duration_s": 3.0}], "timings_s": {"tests": 3.0},
                "lab": "node/week-18"}, 2.0)
    record_run({"tests": [], "timings_s": {"tests": 1.0}, "lab": "java/week-01"}, 24.0)
    lines = [line.split() for line in report(times, [("pytest", 10.0)]).splitlines()]
    assert ["tests", "9.5"] in lines and ["install", "0.5"] in lines
    assert ["installs", "that", "ran:", "1", "(by", "lab:", "node/week-18", "1)"] in lines
    assert ["db.pool.bounded", "2", "7.0"] in lines and ["rest.shelf.contract", "1", "1.5"] in lines
    assert lines.index(["db.pool.bounded", "2", "7.0"]) < lines.index(["rest.shelf.contract", "1", "1.5"])
    # CPU per lab, the costliest first: runs, CPU seconds, per run, share.
    assert lines.index(["java/week-01", "1", "24.0", "24.0", "75%"]) < lines.index(["node/week-18", "2", "8.0", "4.0",
                                                                                   "25%"])
    monkeypatch.delenv("HARNESS_TEST_TIMES")
    record_run({"tests": [{"id": "x", "duration_s": 1.0}]})  # not collecting: nothing is written
    assert "x" not in report(times, [("pytest", 10.0)]).split()
