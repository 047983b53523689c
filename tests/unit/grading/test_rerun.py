"""A load check the batch made inconclusive is graded again alone: which checks, how the
second verdict is merged, and when the orchestrator runs it (a fake session: the logic only;
tests/grading/test_grade_alone.py runs a real one)."""

from __future__ import annotations

import ast
import json
import threading
from pathlib import Path
from typing import Any

import pytest

import validators
from harness.catalog import Catalog
from harness.grading import reports
from harness.grading.capabilities import Capabilities
from harness.grading.policy import Policy
from harness.grading.rerun import ALONE_IF_INCONCLUSIVE, held_back, merge, to_rerun
from harness.grading.runner import Grader, GradeSettings
from harness.grading.verdicts import Signals
from harness.load.blame import GENERATOR_ALONE, QUOTA, QUOTA_HELD
from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters.json_report import to_json

LOAD = "prod.load.rps"
BUSY = "the load generator, not your app, could not keep the schedule: lag p99 265 ms (achieved 708 req/s of 1000)"
ALONE = "achieved 1003 req/s of 1000; p95 12.0 ms"


def _check(check_id: str, status: Status, message: str | None = None, points: float = 4.0,
           blamed: str | None = None) -> CheckResult:
    score = points if status is Status.PASS else 0.0
    cause = "environment" if status is Status.ERROR else None
    figures = {"kind": "load", "blame": blamed} if blamed else None
    return CheckResult(check_id, check_id, status, score, points, 1.0, message=message, cause=cause, figures=figures)


def _results(*checks: CheckResult) -> dict[str, Any]:
    run = RunResult(lab="backend/production", run_id="g1", seed=1, started_at="now", checks=list(checks),
                    planned=[(c.id, c.title, c.max_score) for c in checks], finished=True)
    return json.loads(json.dumps(to_json(run)))


def test_only_an_inconclusive_load_check_is_graded_again() -> None:
    assert to_rerun(_results(_check("prod.cache.redis", Status.PASS), _check(LOAD, Status.ERROR, BUSY))) == (LOAD,)
    assert to_rerun(_results(_check(LOAD, Status.FAIL, "too slow"))) == ()  # a failure is the app's
    assert to_rerun(_results(_check(LOAD, Status.PASS))) == ()
    # Inconclusive for another reason than a busy machine: a second run would see the same.
    assert to_rerun(_results(_check("prod.cache.redis", Status.ERROR, "no redis here"))) == ()
    crashed = _results(_check(LOAD, Status.ERROR, "boom"))
    crashed["tests"][0]["cause"] = "crash"
    assert to_rerun(crashed) == ()


def test_a_load_check_its_own_cpu_quota_held_back_is_not_graded_again() -> None:
    # Alone, the same quota holds the app: a second session would only say so again.
    # The load check says whom it blamed in its figures (validators/production/load.py), which its
    # results keep whatever the verdict: the words of the message are for the learner.
    held = (f"the API missed its budget, on a machine saturated not by the app: {QUOTA_HELD}: 1 core = 100% "
            "(its cgroup's), which stopped it in 64% of its periods: ... give it 2 CPUs")
    results = _results(_check(LOAD, Status.ERROR, held, blamed=QUOTA),
                       _check("micro.shutdown.graceful", Status.ERROR, BUSY))
    assert to_rerun(results) == ("micro.shutdown.graceful",)
    assert held_back(results) == (LOAD,)
    assert held_back(_results(_check(LOAD, Status.ERROR, BUSY, blamed=GENERATOR_ALONE))) == ()


def test_every_check_that_runs_a_load_generator_is_graded_again_alone() -> None:
    """The set follows the validators: a check module that uses harness.load is in it."""
    root = Path(validators.__file__).resolve().parent
    found: set[str] = set()
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        if not any(m.startswith("harness.load") for m in modules):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    assert found and found <= ALONE_IF_INCONCLUSIVE, found


def test_the_second_verdict_replaces_the_first_with_both_figures() -> None:
    first = _results(_check("prod.cache.redis", Status.PASS), _check(LOAD, Status.ERROR, BUSY))
    assert first["status"] == "fail" and first["score"] == 4
    merged, reruns = merge(first, _results(_check(LOAD, Status.PASS, ALONE)), (LOAD,))
    written = to_json(merged)
    assert (written["status"], written["score"], written["max_score"]) == ("pass", 8, 8)
    load = next(t for t in written["tests"] if t["id"] == LOAD)
    assert load["status"] == "pass" and "Graded again alone" in load["message"] and "708 req/s" in load["message"]
    line = reruns[0].line()
    assert "708 req/s" in line and "1003 req/s" in line and "alone: pass" in line


def test_inconclusive_twice_stays_inconclusive_never_a_failure() -> None:
    first = _results(_check(LOAD, Status.ERROR, BUSY))
    merged, reruns = merge(first, _results(_check(LOAD, Status.ERROR, BUSY.replace("708", "690"))), (LOAD,))
    load = to_json(merged)["tests"][0]
    assert (load["status"], load["cause"], load["score"]) == ("error", "environment", 0)
    assert "inconclusive again" in reruns[0].line() and "690" in reruns[0].line()


@pytest.mark.parametrize(("second", "no_verdict", "why"), [
    (None, "", "the check did not run"),
    ({"tests": [{"id": LOAD, "status": "error", "cause": "not-run", "message": "the app never answered"}]}, "",
     "the app never answered"),
    (None, "memory limit: the app used more than 512 MB", "memory limit"),
])
def test_a_second_run_without_a_verdict_keeps_the_first(second: dict[str, Any] | None, no_verdict: str,
                                                        why: str) -> None:
    first = _results(_check(LOAD, Status.ERROR, BUSY))
    merged, reruns = merge(first, second, (LOAD,), no_verdict)
    load = to_json(merged)["tests"][0]
    assert (load["status"], load["cause"]) == ("error", "environment")
    assert reruns[0].kept_first and why in reruns[0].line() and "not a failure" in reruns[0].line()


class FakeGrader(Grader):
    """Sessions that write results.json as a worker would: the load check is inconclusive
    whenever another session runs at the same time, and passes alone."""

    def __init__(self, settings: GradeSettings) -> None:
        caps = Capabilities(root=False, cgroups=None, netns=False, uid_switch=False, bwrap=False)
        self.said: list[str] = []
        super().__init__(settings, caps, self.said.append)
        self.running = 0
        self.calls: list[tuple[str, tuple[str, ...], int]] = []
        self.both_running = threading.Barrier(2, timeout=30)
        self.guard = threading.Lock()

    def run_session(self, name: str, source: Path, index: int, out: Path,
                    only: tuple[str, ...] = ()) -> tuple[Signals, dict[str, Any], str, int]:
        with self.guard:
            self.running += 1
            self.calls.append((name, only, self.running))
        if not only:
            self.both_running.wait()  # the batch: the two sessions overlap, as with --jobs 2
        with self.guard:
            busy = self.running > 1
        checks = [] if only else [_check("prod.cache.redis", Status.PASS)]
        if not only or LOAD in only:
            checks.append(_check(LOAD, Status.ERROR, BUSY) if busy else _check(LOAD, Status.PASS, ALONE))
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(_results(*checks)))
        if not only:
            self.both_running.wait()  # both wrote their results before either ends
        with self.guard:
            self.running -= 1
        return Signals(), {"signals": Signals().to_json(), "exit": 0}, "g1", 1


def test_the_batch_grades_an_inconclusive_load_check_again_alone(tmp_path: Path) -> None:
    catalog = Catalog.load()
    lab = catalog.resolve("production", None)
    manifest = catalog.require_available(lab)
    settings = GradeSettings(lab=lab, manifest=manifest, policy=Policy(limits=manifest.limits), out=tmp_path / "out",
                             jobs=2, isolation="none", scratch=tmp_path)
    sources = {"alice": tmp_path / "alice", "bob": tmp_path / "bob"}
    with FakeGrader(settings) as grader:
        rows = grader.grade(sources)
    batch = [c for c in grader.calls if not c[1]]
    again = [c for c in grader.calls if c[1]]
    assert sorted(c[0] for c in batch) == ["alice", "bob"] and all(c[1] == (LOAD,) for c in again)
    assert [c[0] for c in again] == ["alice", "bob"]
    assert all(running == 1 for _, _, running in again), "graded again alone: nothing else running"
    for row in rows:
        assert (row.status, row.score, row.failed_checks) == ("pass", 8, ()), row
        out = settings.out / row.submission
        summary = (out / "summary.txt").read_text()
        assert "graded again alone: prod.load.rps" in summary and "708 req/s" in summary and "1003" in summary
        record = json.loads((out / "verdict.json").read_text())["graded_again_alone"][0]
        assert record["second_status"] == "pass"
        gradescope = json.loads((out / "gradescope.json").read_text())
        assert any("Graded again alone" in str(t.get("output")) for t in gradescope["tests"])
        assert reports.read_results(out) is not None
    assert any("grading it again alone" in line for line in grader.said)
