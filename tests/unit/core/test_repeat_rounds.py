"""`check --repeat N`: a verdict that changes between rounds on the same app fails the run."""

from __future__ import annotations

import argparse
import io
import itertools
from types import SimpleNamespace

import pytest

from harness.commands.check import _rounds, exit_code
from harness.errors import ExitCode
from harness.outcomes import Failure, RunResult, Status
from harness.registry import CheckContext, CheckSpec
from harness.reporters import Silent
from harness.reporters.json_report import to_json
from harness.reporters.terminal import TerminalReporter
from harness.runner.execute import Planned, run_check
from harness.runner.session import Session


class AliveApp:
    def alive(self) -> bool:
        return True

    def exited(self, settle_s: float = 3.0) -> bool:
        return False

    def log_tail(self, lines: int = 20) -> str:
        return ""


def _planned(check_id: str, verdicts: itertools.cycle[bool]) -> Planned:
    def func(_ctx: CheckContext) -> None:
        if not next(verdicts):
            raise Failure("the second look saw something else")

    return Planned(CheckSpec(check_id, func, "A check.", "A check.", 1.0, frozenset(), 5.0), 1.0, False)


def _rounds_of(planned: list[Planned], rounds: int) -> RunResult:
    ctx = CheckContext(http=None, app=AliveApp(), run_id="r", seed=1)  # type: ignore[arg-type]
    result = RunResult(lab="x/week-1", run_id="r", seed=1, started_at="",
                       planned=[(p.spec.id, p.spec.title, p.points) for p in planned])
    result.checks = [run_check(p, ctx) for p in planned]
    session = Session.__new__(Session)  # only what a round needs: the request's options, a reporter, the app
    session.request = SimpleNamespace(debug=False, repeat=rounds)  # type: ignore[assignment]
    session.reporter = Silent()
    session.app = None  # the checks here talk to no app the session started
    for number in range(2, rounds + 1):
        session._round_again(planned, ctx, result, number)
    return result


def test_a_verdict_that_changes_is_reported_and_fails_the_run() -> None:
    steady = _planned("a.b.steady", itertools.cycle([True]))
    flaky = _planned("a.b.flaky", itertools.cycle([True, True, False]))
    result = _rounds_of([steady, flaky], 3)
    assert result.unstable == ["a.b.flaky: pass in round 1, fail in round 3: the second look saw something else"]
    assert [c.status for c in result.checks] == [Status.PASS, Status.PASS], "round 1's verdicts are the report"
    assert result.status is Status.FAIL and exit_code(result) is ExitCode.CHECK_FAILED
    assert to_json(result)["unstable"] == result.unstable
    out = io.StringIO()
    TerminalReporter(out).run_finished(result)
    assert "Verdicts changed between rounds on the same app (--repeat):\n  a.b.flaky: pass in round 1" in out.getvalue()


def test_the_same_verdicts_every_round_pass() -> None:
    result = _rounds_of([_planned("a.b.steady", itertools.cycle([True]))], 3)
    assert result.unstable == [] and exit_code(result) is ExitCode.OK
    assert result.timings["rounds_again"] >= 0


@pytest.mark.parametrize("text", ["0", "-1", "three"])
def test_repeat_takes_a_whole_number_of_rounds(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="--repeat 3"):
        _rounds(text)
    assert _rounds("3") == 3
