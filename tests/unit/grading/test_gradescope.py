"""Gradescope's results.json, from the harness's own results."""

from __future__ import annotations

from typing import Any

from harness.grading.gradescope import crashed, to_gradescope
from harness.grading.verdicts import GRADED, Verdict

RESULTS: dict[str, Any] = {
    "lab": "node/week-18", "seed": 5, "run_id": "g1", "status": "fail", "score": 3.0, "max_score": 9.0,
    "message": None, "fixes": [],
    "tests": [
        {"id": "db.sql.parameterized", "name": "No spliced SQL.", "status": "pass", "score": 3.0, "max_score": 3.0},
        {"id": "db.pool.bounded", "name": "Pooled.", "status": "fail", "score": 0.0, "max_score": 2.0,
         "message": "opened 40 connections", "expected": "at most 20", "hint": "Use one Pool."},
        {"id": "rest.etag.present", "name": "ETags.", "status": "skip", "score": 0.0, "max_score": 0.0,
         "message": "no GET routes"},
    ],
    "not_run": [{"id": "db.indexes.filters", "name": "Indexed.", "max_score": 4.0}],
}


def test_tests_carry_scores_status_output_and_visibility() -> None:
    data = to_gradescope(RESULTS, GRADED, {"db.pool.bounded": "after_due_date"}, execution_time_s=12.6)
    assert data["score"] == 3.0 and data["execution_time"] == 13 and data["stdout_visibility"] == "hidden"
    tests = {t["extra_data"]["id"]: t for t in data["tests"]}
    assert [t["number"] for t in data["tests"]] == ["1", "2", "3", "4"]
    assert tests["db.sql.parameterized"]["status"] == "passed"
    pool = tests["db.pool.bounded"]
    assert (pool["status"], pool["visibility"], pool["max_score"]) == ("failed", "after_due_date", 2.0)
    assert pool["output"] == "opened 40 connections\nExpected: at most 20\nHint: Use one Pool."
    assert "status" not in tests["rest.etag.present"] and tests["rest.etag.present"]["output"].startswith(
        "not applicable")
    assert tests["db.indexes.filters"]["status"] == "failed" and tests["db.indexes.filters"]["max_score"] == 4.0
    assert tests["db.sql.parameterized"]["visibility"] == "visible" and tests["db.pool.bounded"]["tags"] == ["db"]


def test_the_verdict_and_the_start_failure_are_shown_to_the_student() -> None:
    results = {**RESULTS, "message": "your app did not answer GET /health", "fixes": ["Listen on $PORT"],
               "app_log_tail": "listening on 9999",
               "tests": [{"id": "x.y.z", "name": "n", "status": "error", "cause": "not-run", "score": 0,
                          "max_score": 1}]}
    verdict = Verdict("port-not-given", "bound a port it was not given (9999)", "rule", ("never ready",))
    output = to_gradescope(results, verdict, {})["output"]
    assert output.splitlines()[:4] == ["Verdict: bound a port it was not given (9999)", "Also: never ready",
                                       "your app did not answer GET /health", "  1. Listen on $PORT"]
    assert "listening on 9999" in output


def test_long_output_is_cut() -> None:
    results = {**RESULTS, "tests": [{**RESULTS["tests"][1], "evidence": "x" * 20000}], "not_run": []}
    assert len(to_gradescope(results, GRADED, {})["tests"][0]["output"]) < 8100


def test_crashed_is_valid_gradescope() -> None:
    assert crashed("boom") == {"score": 0.0, "output": "boom", "output_format": "text", "visibility": "visible",
                               "stdout_visibility": "hidden", "tests": []}
