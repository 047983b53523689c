"""`harness check --html FILE`: the run as a page people read (check.html.j2).

It is rendered from the results.json document (json_report.to_json), not from the run
itself, so that it shows exactly what the JSON says and a page can be rebuilt from any
saved results file: ``to_html(json.load(f))``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.durations import format_duration
from harness.load import report as load_report
from harness.outcomes import RunResult
from harness.reporters import Silent
from harness.reporters.json_report import harness_status, run_message, to_json, write_atomically
from harness.reporters.templating import render

# The badge of each of the four verdicts; a check that does not apply is not a pass: N/A.
LABELS = {"pass": "PASS", "fail": "FAIL", "skip": "N/A", "error": "ERROR"}


def _check(test: Mapping[str, Any]) -> dict[str, Any]:
    status = harness_status(test)
    max_score = float(test.get("max_score", 0))
    return {
        "id": str(test["id"]), "title": str(test.get("name", "")), "status": status, "label": LABELS[status],
        "points": f"{float(test.get('score', 0)):g}/{max_score:g}" if max_score else "n/a",
        "duration": format_duration(float(test.get("duration_s", 0))),
        "message": test.get("message"),
        # Labelled as the terminal labels them, in its order (junit.failure_text).
        "fields": [(label, str(test[key])) for key, label in (("expected", "Expected"), ("actual", "Actual"),
                                                               ("evidence", "Evidence")) if test.get(key)],
        "hint": test.get("hint"), "reproduce": test.get("reproduce"),
        "charts": _charts(test.get("figures")),
    }


def _charts(figures: Any) -> list[str]:
    """A load check's measurement drawn as `harness bench --html` draws it."""
    if not isinstance(figures, Mapping) or figures.get("kind") != "load":
        return []
    return load_report.charts(figures)


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def to_html(results: Mapping[str, Any]) -> str:
    checks = [_check(t) for t in results.get("tests", [])]
    counts = {status: sum(c["status"] == status for c in checks) for status in LABELS}
    return render(
        "check.html.j2",
        lab=str(results.get("lab")), status=str(results.get("status")),
        score=f"{float(results.get('score', 0)):g}/{float(results.get('max_score', 0)):g}",
        counts=[(counts[s], word) for s, word in (("pass", "passed"), ("fail", "failed"), ("error", "could not "
                "conclude"), ("skip", "not applicable")) if counts[s]],
        checks=checks, not_run=list(results.get("not_run", [])),
        run_message=run_message(results), fixes=[str(f) for f in results.get("fixes") or []],
        unstable=[str(u) for u in results.get("unstable") or []],
        uses_port=any("$PORT" in str(c["reproduce"] or "") for c in checks),
        environment=[(str(k), _value(v)) for k, v in (results.get("environment") or {}).items()],
        timings=[(f"time: {k}", format_duration(float(v))) for k, v in (results.get("timings_s") or {}).items()],
        log_tail=results.get("app_log_tail"),
        run={"run_id": str(results.get("run_id")), "seed": str(results.get("seed")),
             "started_at": str(results.get("started_at")), "harness": str(results.get("harness"))},
    )


class HtmlReporter(Silent):
    def __init__(self, path: Path) -> None:
        self.path = path

    def run_finished(self, result: RunResult) -> None:
        write_atomically(self.path, to_html(to_json(result)))
