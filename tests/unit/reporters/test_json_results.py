"""results.json follows Exercism's test-runner interface version 3, whole (golden), with the
harness's own fields under keys of their own; the harness's readers read both formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.grading.gradebook import row_from
from harness.grading.gradescope import to_gradescope
from harness.grading.verdicts import GRADED
from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters.json_report import harness_status, run_message, to_json

GOLDEN = Path(__file__).with_name("golden")
EXERCISM_TOP = {"version", "status", "message", "tests"}


def _run() -> RunResult:
    run = RunResult(lab="node/week-18", run_id="r1", seed=7, started_at="2026-12-03T23:00:00+00:00")
    run.planned = [("db.sql.parameterized", "Parameterized SQL", 2.0), ("rest.etag.present", "ETags", 0.0),
                   ("db.pool.bounded", "A bounded pool", 1.0), ("db.index.filters", "Indexes", 1.0)]
    run.checks = [
        CheckResult("db.sql.parameterized", "Parameterized SQL", Status.FAIL, 0.0, 2.0, 0.25,
                    message="a payload reached SQL as text", expected="$1 placeholders", actual="'x' OR 1=1",
                    hint="pass values as parameters", reproduce="curl -s 'http://127.0.0.1:$PORT/v1/books?q=x'"),
        CheckResult("rest.etag.present", "ETags", Status.SKIP, 0.0, 0.0, 0.0, message="the lab serves no ETags"),
        CheckResult("db.pool.bounded", "A bounded pool", Status.PASS, 1.0, 1.0, 1.5),
    ]
    run.message = "interrupted: the results cover the checks that finished"
    run.interrupted = True
    run.timings = {"total": 3.0}
    run.finished = True
    return run


def test_results_json_golden() -> None:
    data = to_json(_run())
    data["harness"] = "X"  # the version of the harness, not the format
    expected = json.loads((GOLDEN / "results_v3.json").read_text())
    assert data == expected, json.dumps(data, indent=2)


def test_exercism_fields_and_statuses() -> None:
    data = to_json(_run())
    assert set(data) >= EXERCISM_TOP
    assert data["version"] == 3 and data["status"] in {"pass", "fail", "error"}
    assert data["message"] is None, "Exercism's message is for a run where nothing ran"
    assert data["run_message"].startswith("interrupted"), "the harness's own key keeps why the run stopped"
    for test in data["tests"]:
        assert test["status"] in {"pass", "fail", "error"} and test["name"] and test["test_code"]
        if test["status"] != "pass":
            assert test["message"]
    assert [t["harness_status"] for t in data["tests"]] == ["fail", "skip", "pass"]
    assert data["tests"][2]["test_code"] == "harness check node/week-18 --only db.pool.bounded"


def test_a_run_where_nothing_concluded_says_why_in_exercisms_message() -> None:
    run = RunResult(lab="node/week-18", run_id="r1", seed=1, started_at="t")
    run.planned = [("c0", "t0", 1.0)]
    run.checks = [CheckResult("c0", "t0", Status.ERROR, 0.0, 1.0, 0.0, cause="crash")]
    data = to_json(run)
    assert data["status"] == "error" and data["message"] == "no check could conclude"
    assert data["tests"][0]["message"] == "could not conclude"
    run.message = "the install command failed with exit code 1: npm ci"
    assert to_json(run)["message"] == run.message


def test_readers_take_this_format_and_the_one_before() -> None:
    old: dict[str, Any] = {"version": 1, "status": "fail", "message": "the app exited", "score": 0, "max_score": 1,
                           "tests": [{"id": "c0", "name": "t0", "status": "skip", "score": 0, "max_score": 0}],
                           "not_run": [{"id": "c1", "name": "t1", "max_score": 1}]}
    new = to_json(_run())
    assert harness_status(old["tests"][0]) == "skip" and harness_status(new["tests"][1]) == "skip"
    assert run_message(old) == "the app exited" and run_message(new) == new["run_message"]
    assert row_from("s", new, GRADED, 1.0).failed_checks == ("db.sql.parameterized", "db.index.filters")
    gradescope = to_gradescope(new, GRADED, {})
    assert [t.get("status") for t in gradescope["tests"]] == ["failed", None, "passed", "failed"]
    assert gradescope["tests"][1]["output"] == "not applicable: the lab serves no ETags"
