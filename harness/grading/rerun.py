"""Grading a load check again, alone, when the batch made it inconclusive.

A load check measures the app against a schedule; when the grading machine is busy (another
submission graded at the same time with --jobs N) the generator cannot keep the schedule
and the check refuses a figure (inconclusive: `cause: environment`). After the batch the
orchestrator grades such a check once more, with no other submission running, in a fresh
session of the same jail and limits, and records that second verdict here: it replaces the
first in results.json (score, status, counts follow), and says that it was graded again
alone and why, with both runs' figures. Inconclusive twice stays inconclusive: a busy
machine is never the app's failure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from harness.load.blame import QUOTA
from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters.json_report import harness_status

# Checks that run a load generator (harness.load) against the app: prod.load.rps's verdict
# depends on the machine being otherwise idle, and micro.shutdown.graceful's load must run for
# its SIGTERM to find requests in flight. tests/unit/grading/test_rerun.py keeps this in step
# with the validators that use harness.load.
ALONE_IF_INCONCLUSIVE = frozenset({"prod.load.rps", "micro.shutdown.graceful"})
ENVIRONMENT = "environment"


def inconclusive(test: Mapping[str, Any]) -> bool:
    """A check that ran and could not conclude in this environment (CannotCheck)."""
    return harness_status(test) == Status.ERROR.value and test.get("cause") == ENVIRONMENT


def held_by_quota(test: Mapping[str, Any]) -> bool:
    """Inconclusive because the submission's own CPU quota held its app back (harness/load/blame.py):
    alone, the same quota holds it, so a second session would only say so again."""
    figures = test.get("figures")
    return isinstance(figures, Mapping) and figures.get("blame") == QUOTA


def to_rerun(results: Mapping[str, Any]) -> tuple[str, ...]:
    """The load checks of a submission's results to grade again alone."""
    return tuple(t["id"] for t in results.get("tests", [])
                 if t.get("id") in ALONE_IF_INCONCLUSIVE and inconclusive(t) and not held_by_quota(t))


def held_back(results: Mapping[str, Any]) -> tuple[str, ...]:
    """The load checks left inconclusive by the submission's CPU quota: not graded again."""
    return tuple(t["id"] for t in results.get("tests", [])
                 if t.get("id") in ALONE_IF_INCONCLUSIVE and inconclusive(t) and held_by_quota(t))


@dataclass(frozen=True)
class Rerun:
    """One check graded again alone: what the batch saw, what the second run saw."""

    check_id: str
    first: str               # the first run's message (its figures)
    second_status: str       # pass | fail | error | skip, or "" when the second run gave no verdict
    second: str              # the second run's message, or why it gave none

    @property
    def kept_first(self) -> bool:
        return not self.second_status

    def line(self) -> str:
        first = _one_line(self.first)
        if self.kept_first:
            return (f"{self.check_id} was graded again alone, after the batch, because it was inconclusive while "
                    f"other submissions were graded ({first}); that run gave no verdict ({self.second}), so the "
                    "first stands: inconclusive, not a failure")
        outcome = "inconclusive again" if self.second_status == Status.ERROR.value else self.second_status
        return (f"{self.check_id} was graded again alone, after the batch, because it was inconclusive while other "
                f"submissions were graded ({first}); alone: {outcome} ({_one_line(self.second)})")

    def to_json(self) -> dict[str, Any]:
        return {"id": self.check_id, "first": self.first, "second_status": self.second_status or None,
                "second": self.second}


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "no message"


def check_from_json(test: Mapping[str, Any]) -> CheckResult:
    return CheckResult(
        id=str(test["id"]), title=str(test.get("name", test["id"])), status=Status(harness_status(test)),
        score=float(test.get("score", 0.0)), max_score=float(test.get("max_score", 0.0)),
        duration_s=float(test.get("duration_s", 0.0)), message=test.get("message"), expected=test.get("expected"),
        actual=test.get("actual"), hint=test.get("hint"), reproduce=test.get("reproduce"),
        evidence=test.get("evidence"), hidden=test.get("visibility") == "hidden", cause=test.get("cause"))


def result_from_json(results: Mapping[str, Any]) -> RunResult:
    """A results.json read back as the run it was written from (to write it again, changed)."""
    tests = list(results.get("tests", []))
    planned = [(str(t["id"]), str(t.get("name", t["id"])), float(t.get("max_score", 0.0))) for t in tests]
    planned += [(str(t["id"]), str(t.get("name", t["id"])), float(t.get("max_score", 0.0)))
                for t in results.get("not_run", [])]
    return RunResult(
        lab=str(results.get("lab", "")), run_id=str(results.get("run_id", "")), seed=int(results.get("seed", 0)),
        started_at=str(results.get("started_at", "")), checks=[check_from_json(t) for t in tests], planned=planned,
        environment=dict(results.get("environment") or {}), timings=dict(results.get("timings_s") or {}),
        message=results.get("run_message"), fixes=list(results.get("fixes") or []),
        app_log_tail=results.get("app_log_tail"), interrupted=bool(results.get("interrupted")),
        finished=bool(results.get("finished")), unstable=list(results.get("unstable") or []))


def merge(first: Mapping[str, Any], second: Mapping[str, Any] | None, ids: Sequence[str],
          no_verdict: str = "") -> tuple[RunResult, list[Rerun]]:
    """The first run's results with the second verdict of each check in `ids`.

    `second` is the results of the run alone (None when it wrote none); `no_verdict` says why
    it cannot be used (a limit hit, the app not started), and then the first verdict stands.
    A second verdict counts only when the check ran to a conclusion of its own: one the app
    never got to (`not-run`) or the harness broke in (`crash`) keeps the first.
    """
    result = result_from_json(first)
    again = {t["id"]: t for t in (second or {}).get("tests", []) if t.get("id") in ids}
    reruns: list[Rerun] = []
    for index, check in enumerate(result.checks):
        if check.id not in ids:
            continue
        first_message = check.message or ""
        test = again.get(check.id)
        usable = test is not None and not no_verdict and (
            harness_status(test) != Status.ERROR.value or test.get("cause") == ENVIRONMENT)
        if test is None or not usable:
            reason = no_verdict or ("the check did not run" if test is None
                                    else _one_line(str(test.get("message") or "it could not conclude")))
            reruns.append(Rerun(check.id, first_message, "", reason))
            continue
        rerun = Rerun(check.id, first_message, harness_status(test), str(test.get("message") or ""))
        reruns.append(rerun)
        replaced = check_from_json(test)
        result.checks[index] = replace(replaced, message=_with_note(replaced.message, rerun), hidden=check.hidden)
    return result, reruns


def _with_note(message: str | None, rerun: Rerun) -> str:
    note = (f"Graded again alone, after the batch: the first run, while other submissions were graded, was "
            f"inconclusive ({_one_line(rerun.first)}).")
    return f"{message}\n{note}" if message else note
