from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.commands.check import exit_code
from harness.errors import ExitCode
from harness.outcomes import CheckResult, RunResult, Status
from harness.reporters.json_report import JsonReporter
from harness.reporters.junit import to_xml
from harness.reporters.terminal import TerminalReporter
from harness.runner.app import base_environment


def _check(cid: str, status: Status, **kw: object) -> CheckResult:
    return CheckResult(id=cid, title=f"title {cid}", status=status, score=2.0 if status is Status.PASS else 0.0,
                       max_score=0.0 if status is Status.SKIP else 2.0, duration_s=0.1, **kw)  # type: ignore[arg-type]


def _run(*checks: CheckResult, planned: int | None = None) -> RunResult:
    run = RunResult(lab="node/week-18", run_id="r1", seed=1, started_at="t")
    run.planned = [(f"c{i}", f"title c{i}", 2.0) for i in range(planned or len(checks))]
    run.checks = list(checks)
    return run


def test_status_follows_exercism() -> None:
    assert _run(_check("c0", Status.PASS)).status is Status.PASS
    assert _run(_check("c0", Status.PASS), _check("c1", Status.FAIL)).status is Status.FAIL
    assert _run(_check("c0", Status.ERROR, cause="not-run")).status is Status.ERROR
    assert _run(_check("c0", Status.PASS), planned=2).status is Status.FAIL, "a check that did not run is no pass"


def test_scores_exclude_checks_that_do_not_apply() -> None:
    run = _run(_check("c0", Status.PASS), _check("c1", Status.SKIP), _check("c2", Status.FAIL))
    assert (run.score, run.max_score) == (2.0, 4.0)


def test_exit_codes() -> None:
    assert exit_code(_run(_check("c0", Status.PASS))) is ExitCode.OK
    assert exit_code(_run(_check("c0", Status.FAIL))) is ExitCode.CHECK_FAILED
    assert exit_code(_run(_check("c0", Status.ERROR, cause="not-run"))) is ExitCode.CHECK_FAILED
    assert exit_code(_run(_check("c0", Status.PASS), _check("c1", Status.ERROR, cause="crash"))) is ExitCode.INTERNAL
    assert exit_code(_run(_check("c0", Status.ERROR, cause="environment"))) is ExitCode.USAGE
    interrupted = _run(_check("c0", Status.PASS), planned=3)
    interrupted.interrupted = True
    assert exit_code(interrupted) is ExitCode.INTERRUPTED


def test_json_is_rewritten_after_every_check(tmp_path: Path) -> None:
    path = tmp_path / "out" / "results.json"
    reporter = JsonReporter(path)
    run = _run(planned=2)
    reporter.run_started(run)
    assert json.loads(path.read_text())["not_run"][0]["id"] == "c0"
    run.checks.append(_check("c0", Status.FAIL, message="m", hint="h", reproduce="curl x"))
    reporter.check_finished(run.checks[0], run)
    data = json.loads(path.read_text())
    assert data["tests"][0] == {"id": "c0", "name": "title c0", "status": "fail", "score": 0.0, "max_score": 2.0,
                                "duration_s": 0.1, "message": "m", "hint": "h", "reproduce": "curl x",
                                "harness_status": "fail", "test_code": "curl x"}
    assert data["finished"] is False and data["max_score"] == 4.0


def test_junit_lists_checks_that_never_ran_as_errors() -> None:
    run = _run(_check("c0", Status.FAIL, message="bad", expected="e", actual="a"), planned=2)
    run.message = "the app exited"
    suite = ET.fromstring(to_xml(run))
    assert suite.get("tests") == "2" and suite.get("failures") == "1" and suite.get("errors") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and "Expected: e" in (failure.text or "")


def test_junit_stays_well_formed_whatever_the_app_printed() -> None:
    hostile = "\x1b[31mERROR\x1b[0m db down\x00\x07 \x1b]0;title\x07 bell\x08 \ud800 done"
    run = _run(_check("c0", Status.FAIL, message=f"bad {hostile}", actual=hostile), planned=1)
    run.app_log_tail = f"line 1\n{hostile}\nline 3"
    text = to_xml(run)
    suite = ET.fromstring(text)  # expat: the strict parser that reported "not well-formed (invalid token)"
    log = suite.find("system-out")
    assert log is not None and "ERROR db down" in (log.text or "") and "line 3" in (log.text or "")
    assert "\x1b" not in text and "[31m" not in text, "colour codes are dropped, not shown as text"
    failure = suite.find("testcase/failure")
    assert failure is not None and "\ufffd" in (failure.get("message") or ""), "other control characters are marked"


def test_the_app_is_asked_for_plain_output() -> None:
    assert base_environment({})["NO_COLOR"] == "1"
    assert base_environment({"NO_COLOR": ""})["NO_COLOR"] == "", "the project's [app] env has the last word"


def test_terminal_shows_the_fix_and_reproduce_line() -> None:
    out = io.StringIO()
    reporter = TerminalReporter(out)
    run = _run(planned=1)
    check = _check("c0", Status.FAIL, message="spliced", hint="use $1", reproduce="curl 'x'")
    run.checks.append(check)
    reporter.check_finished(check, run)
    reporter.run_finished(run)
    text = out.getvalue()
    assert "✗ c0" in text and "spliced" in text and "Hint: use $1" in text and "Reproduce: curl 'x'" in text
    assert "FAIL" in text and "score 0/2" in text


def test_an_inconclusive_check_keeps_what_it_measured() -> None:
    """A check that cannot conclude (CannotCheck) still reports its figures: the load report's charts,
    and whom the load check blamed, which grading reads to decide on a second run alone."""
    from types import SimpleNamespace

    from harness.outcomes import CannotCheck, Failure
    from harness.runner.execute import Planned, _outcome

    def inconclusive(_ctx: object) -> None:
        raise CannotCheck("the machine was busy", fix="run it alone", figures={"kind": "load", "blame": "quota"})

    spec = SimpleNamespace(func=inconclusive)
    status, shown, cause = _outcome(Planned(spec, 4.0, False), None, debug=False)  # type: ignore[arg-type]
    assert (status, cause) == (Status.ERROR, "environment")
    assert isinstance(shown, Failure) and shown.figures == {"kind": "load", "blame": "quota"}
    assert shown.message == "cannot check here: the machine was busy" and shown.hint == "run it alone"
