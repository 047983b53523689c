"""A check graded again alone after the batch, for real: a fresh worker session in the jail
(its own uid, cgroups, namespace; install and start when the lab has an app; that check only) whose verdict replaces the
batch's in results.json, summary.txt, gradescope.json, verdict.json and the gradebook row.

Why the first verdict is written by the test: a load check turns inconclusive only when the
machine is too busy for its generator, which no test can cause both cheaply and every time,
and the capstone's load check costs minutes. So the batch's results (an SQL lab's reference
with one check inconclusive, as a worker writes them) are laid down here, that check is
made one to grade again alone, and everything after that is the real path: any check's
second session goes the same way (the load check's adds only its own run). Which checks are
graded again, and the merge rules, are tests/unit/grading/test_rerun.py's.

Needs root, as `harness grade` does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from harness.catalog import Catalog
from harness.grading import rerun
from harness.grading.alone import grade_alone
from harness.grading.capabilities import probe
from harness.grading.gradebook import row_from
from harness.grading.policy import load_policy
from harness.grading.runner import Grader, GradeSettings
from harness.grading.verdicts import GRADED
from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters.json_report import to_json
from tests.grading.support import grading_alone, leftovers
from tests.support.projects import materialize

pytestmark = pytest.mark.slow

# An SQL lab: no install and no app, only its PostgreSQL, so the second session is cheap.
SQL_LAB = "sql/week-01"
AGAIN = "sql.join.anti"
BUSY = "the load generator, not your app, could not keep the schedule (achieved 708 req/s of 1000)"


def test_a_check_graded_again_alone_runs_for_real_and_its_verdict_is_recorded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if os.geteuid() != 0:
        pytest.fail("harness grade isolates submissions with root's tools: run this test as root")
    os.chmod(tmp_path, 0o755)
    source = materialize("sql", "week-01", tmp_path / "submissions" / "reference")
    catalog = Catalog.load()
    lab = catalog.resolve(SQL_LAB, None)
    manifest = catalog.require_available(lab)
    out = tmp_path / "out"
    settings = GradeSettings(lab=lab, manifest=manifest, policy=load_policy(None, manifest), out=out, seed=18,
                             hide=(source.parent,))
    # The batch's results: every check passed but one, inconclusive on a busy machine.
    checks = [CheckResult(e.id, e.id, Status.PASS, 1.0, 1.0, 0.1) for e in manifest.checks if e.id != AGAIN]
    checks.append(CheckResult(AGAIN, AGAIN, Status.ERROR, 0.0, 1.0, 0.1, message=BUSY, cause="environment"))
    first = json.loads(json.dumps(to_json(RunResult(
        lab=lab.id, run_id="g1", seed=18, started_at="", checks=checks,
        planned=[(c.id, c.title, c.max_score) for c in checks], finished=True))))
    (out / "reference").mkdir(parents=True)
    (out / "reference" / "results.json").write_text(json.dumps(first))
    monkeypatch.setattr(rerun, "ALONE_IF_INCONCLUSIVE", frozenset({AGAIN}))
    said: list[str] = []
    with grading_alone():
        before = leftovers()
        with Grader(settings, probe(settings.uid_range[0]), said.append) as grader:
            grader.graded["reference"] = (GRADED, {}, 1.0)
            rows = grade_alone(grader, [row_from("reference", first, GRADED, 1.0)], {"reference": source})
            log = next(grader.scratch.glob("alone-*/grader.log")).read_text(errors="replace")
        left = leftovers(before)
    explain = "\n".join(said) + "\n--- the second session's log\n" + log
    results = json.loads((out / "reference" / "results.json").read_text())
    tested = {t["id"]: t for t in results["tests"]}
    assert tested[AGAIN]["status"] == "pass", explain
    assert "Graded again alone" in tested[AGAIN]["message"] and "708 req/s" in tested[AGAIN]["message"]
    # That check alone ran: the others are the batch's, unchanged.
    assert [t["id"] for t in results["tests"]] == [c.id for c in checks]
    assert "· 1 checks" in log and f"✓ {AGAIN}" in log, log
    assert not [other for other in tested if other != AGAIN and other in log], log
    assert (rows[0].status, rows[0].score, rows[0].failed_checks) == ("pass", results["max_score"], ()), explain
    summary = (out / "reference" / "summary.txt").read_text()
    assert f"graded again alone: {AGAIN} was graded again alone" in summary and "alone: pass" in summary, summary
    record = json.loads((out / "reference" / "verdict.json").read_text())["graded_again_alone"]
    assert record[0]["id"] == AGAIN and record[0]["second_status"] == "pass"
    assert left == []
