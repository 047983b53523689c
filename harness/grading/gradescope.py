"""Gradescope's results.json, made from the harness's own results (never from stdout).

Each check is a test with score/max_score, a status, the failure as text and its
visibility; checks hidden from students keep their points in the total but show as
"hidden" or "after_due_date". The top-level output says, for every student, what
happened to the submission as a whole (the verdict, why the app could not start, its
last lines), because Gradescope shows students only what the JSON holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness import __version__
from harness.grading.verdicts import Verdict
from harness.reporters.json_report import harness_status, run_message

OUTPUT_LIMIT = 8000  # per test; Gradescope pages get slow on megabytes of text


def _cut(text: str, limit: int = OUTPUT_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + "\n… (cut)"


def test_output(test: Mapping[str, Any]) -> str:
    parts = []
    if test.get("message"):
        parts.append(str(test["message"]))
    for key, label in (("expected", "Expected"), ("actual", "Actual"), ("hint", "Hint"),
                       ("reproduce", "Reproduce"), ("evidence", "Evidence")):
        if test.get(key):
            parts.append(f"{label}: {test[key]}")
    return _cut("\n".join(parts))


def to_gradescope(results: Mapping[str, Any], verdict: Verdict, visibility: Mapping[str, str],
                  *, execution_time_s: float | None = None) -> dict[str, Any]:
    tests: list[dict[str, Any]] = []
    rows = [dict(t) for t in results.get("tests", [])]
    rows += [{"id": t["id"], "name": t["name"], "status": "error", "score": 0.0, "max_score": t["max_score"],
              "message": "not run: " + (run_message(results) or "the run ended early")}
             for t in results.get("not_run", [])]
    for number, test in enumerate(rows, 1):
        entry: dict[str, Any] = {
            "name": f"{test['name']} ({test['id']})",
            "number": str(number),
            "score": float(test.get("score", 0.0)),
            "max_score": float(test.get("max_score", 0.0)),
            "output": test_output(test),
            "output_format": "text",
            "tags": [str(test["id"]).split(".", 1)[0]],
            "visibility": visibility.get(str(test["id"]), "visible"),
            "extra_data": {"id": test["id"], "harness_status": harness_status(test)},
        }
        if harness_status(test) == "pass":
            entry["status"] = "passed"
        elif harness_status(test) in ("fail", "error"):
            entry["status"] = "failed"
        else:  # skip: not applicable, no points either way; Gradescope derives nothing from score 0/0
            entry["output"] = "not applicable: " + str(test.get("message") or "")
        tests.append(entry)
    top: list[str] = []
    if verdict.text:
        top.append(f"Verdict: {verdict.text}")
        top += [f"Also: {also}" for also in verdict.also]
    if run_message(results):
        top.append(str(run_message(results)))
    for n, fix in enumerate(results.get("fixes", []) or [], 1):
        top.append(f"  {n}. {fix}")
    if results.get("app_log_tail") and any(t.get("cause") == "not-run" for t in results.get("tests", [])):
        top.append("Last lines of your app's output:\n" + str(results["app_log_tail"]))
    data: dict[str, Any] = {
        "score": float(results.get("score", 0.0)),
        "output": _cut("\n".join(top)),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"harness": __version__, "lab": results.get("lab"), "seed": results.get("seed"),
                       "run_id": results.get("run_id"), "status": results.get("status"),
                       "verdict": verdict.to_json()},
    }
    if execution_time_s is not None:
        data["execution_time"] = round(execution_time_s)
    return data


def crashed(message: str) -> dict[str, Any]:
    """What run_autograder writes when the grader itself could not produce results."""
    return {"score": 0.0, "output": message, "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": []}
