"""node week 18: the reference passes every check; each defect fails exactly its check;
the starter fails honestly (exit 1, readable failures, never an internal error)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.projects import defects, harness, materialize

TRACK, WEEK = "node", "week-18"
CHECKS = {
    "db.migrations.versioned", "rest.shelf.contract", "rest.errors.problem_json", "db.sql.parameterized",
    "db.tx.loans_atomic", "db.queries.no_n_plus_one", "db.indexes.filters", "db.pool.bounded",
}
pytestmark = pytest.mark.slow


def test_every_check_has_a_defect() -> None:
    assert set(defects(TRACK, WEEK)) == CHECKS


def test_reference_passes_every_check(tmp_path: Path, services_mode: str) -> None:
    project = materialize(TRACK, WEEK, tmp_path / "reference")
    run = harness("check", "week-18", "--project", str(project), "--services", services_mode)
    assert run.code == 0, run.explain()
    assert run.statuses() == {c: "pass" for c in CHECKS}, run.explain()
    assert run.results is not None and run.results["score"] == run.results["max_score"] > 0


@pytest.mark.parametrize("defect", sorted(CHECKS))
def test_defect_fails_only_its_check(defect: str, tmp_path: Path, services_mode: str) -> None:
    project = materialize(TRACK, WEEK, tmp_path / "project", defect)
    run = harness("check", "week-18", "--project", str(project), "--services", services_mode)
    assert run.code == 1, run.explain()
    assert run.failed() == {defect}, run.explain()
    failed = next(t for t in run.results["tests"] if t["id"] == defect)  # type: ignore[index]
    assert failed["status"] == "fail" and failed.get("hint"), failed
    assert failed["message"] in run.stdout, "the terminal shows the failure message"


def test_starter_fails_honestly(tmp_path: Path, services_mode: str) -> None:
    project = tmp_path / "starter"
    started = harness("start", "week-18", "--track", "node", "--dir", str(project))
    assert started.code == 0, started.explain()
    assert (project / "harness.toml").is_file() and (project / "LAB.md").is_file()
    run = harness("check", "week-18", "--project", str(project), "--services", services_mode)
    assert run.code == 1, run.explain()
    statuses = run.statuses()
    assert set(statuses) == CHECKS
    assert set(statuses.values()) == {"fail"}, "every check fails, none crashes or passes for free"
    assert "does not work yet" in run.stdout
