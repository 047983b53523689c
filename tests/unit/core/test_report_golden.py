"""The report text, whole, for what the testing labs and db.sql.parameterized promise to show.

Each case runs the real check function on made-up evidence (a fake app whose test runs are
given, or the sql check's findings built from real httpx objects), through run_check and the
terminal reporter, and compares the block a learner reads with the text below.
"""

from __future__ import annotations

import dataclasses
import io
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from harness.outcomes import CheckResult, Failure, RunResult, Status
from harness.registry import CheckContext, load_validators
from harness.reporters.json_report import to_json
from harness.reporters.junit import to_xml
from harness.reporters.terminal import TerminalReporter
from harness.runner.execute import Planned, run_check
from harness.runs import BugRun, Leftovers
from harness.runs import TestRun as SuiteRun  # not collected as a test class
from harness.validators.db.sql import Finding, spliced

PASSED = SuiteRun("npm test", 0, 1.0, "# pass 12", 91.04, "istanbul json-summary: 910 of 1000 lines")
DIGEST = ("2 failing tests:\n"
          "  ✗ borrowing the last copy twice is 409 (tests/loans.test.js:41:3)\n"
          "      Expected values to be strictly equal: 201 !== 409\n"
          "  ✗ a refused loan changes no stock (tests/loans.test.js:58:3)\n"
          "      Expected values to be strictly equal: 0 !== 1")
FAILED = SuiteRun("npm test", 1, 1.0, "# fail 2", None, "", DIGEST)


@dataclass
class FakeApp:
    test_run: SuiteRun | None = PASSED
    repeat_run: SuiteRun | None = PASSED
    bug_runs: Mapping[str, BugRun] = field(default_factory=dict)
    rerun_on_shipped: SuiteRun | None = PASSED

    def alive(self) -> bool:
        return False  # never started: the testing labs' checks do not need it

    def exited(self, settle_s: float = 3.0) -> bool:
        return False

    def log_tail(self, lines: int = 20) -> str:
        return ""


def _result(check_id: str, app: FakeApp, left: Leftovers | None = None, lab: str = "node/week-24") -> CheckResult:
    ctx = CheckContext(http=None, app=app, run_id="rgold", seed=1, lab_id=lab,  # type: ignore[arg-type]
                       suite_leftovers=left)
    spec = load_validators().get(check_id)
    params = {"min_coverage": 80} if check_id == "prod.tests.coverage" else {}
    return dataclasses.replace(run_check(Planned(spec, spec.points, False, params), ctx), duration_s=0.0)


def _terminal(*checks: CheckResult, services: dict[str, str] | None = None) -> str:
    result = RunResult(lab="node/week-24", run_id="rgold", seed=1, started_at="2026-01-01T00:00:00+00:00",
                       planned=[(c.id, c.title, c.max_score) for c in checks])
    if services is not None:
        result.environment["services"] = services
    out = io.StringIO()
    reporter = TerminalReporter(out)
    for check in checks:
        result.checks.append(check)
        reporter.check_finished(check, result)
    result.finished = True
    reporter.run_finished(result)
    return out.getvalue()


GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str) -> str:
    """The expected report block, kept in golden/ as a learner sees it (lines longer than code allows)."""
    return (GOLDEN / name).read_text(encoding="utf-8")


def _block(text: str) -> str:
    """The report without its summary line (its verdict and totals are tested elsewhere)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith(("PASS ·", "FAIL ·")))


def test_a_caught_bug_names_the_tests_that_failed_in_every_report() -> None:
    check_id = "testing.catches.loan_oversell"
    check = _result(check_id, FakeApp(bug_runs={check_id: BugRun(check_id, "src/repos/loans.js", FAILED)}))
    assert check.status is Status.PASS
    assert _block(_terminal(check)) == _golden("caught_bug.txt")
    result = RunResult(lab="node/week-24", run_id="r", seed=1, started_at="", checks=[check],
                       planned=[(check.id, check.title, 1.0)])
    test = to_json(result)["tests"][0]
    assert test["message"].startswith("caught by borrowing the last copy twice is 409") and test["evidence"] == DIGEST
    case = ET.fromstring(to_xml(result)).find("testcase")
    assert case is not None and case.find("failure") is None
    out = case.find("system-out")
    assert out is not None and out.text is not None and out.text.startswith("caught by borrowing the last copy")


def test_a_passed_coverage_check_shows_the_coverage_measured() -> None:
    check = _result("prod.tests.coverage", FakeApp())
    assert check.status is Status.PASS
    assert check.message == "line coverage 91.0% (at least 80%): istanbul json-summary: 910 of 1000 lines"
    assert f"      {check.message}\n" in _terminal(check)


def test_a_suite_failing_on_the_shipped_code_is_named_by_its_failing_test() -> None:
    check = _result("prod.tests.coverage", FakeApp(test_run=FAILED))
    assert _block(_terminal(check)) == _golden("suite_fails_on_shipped_code.txt")


def test_the_repeat_check_hint_teaches_what_the_lab_teaches() -> None:
    check = _result("testing.suite.repeatable", FakeApp(repeat_run=FAILED), Leftovers({"members": 1}))
    assert _block(_terminal(check)) == _golden("repeatable_hint_node.txt")
    python = _result("testing.suite.repeatable", FakeApp(repeat_run=FAILED), Leftovers({"members": 1}),
                     lab="python/week-18")
    assert python.hint is not None and "the unique fixture" in python.hint and "setup hook" not in python.hint


def test_repeatable_passed_or_not_judged_says_what_the_database_held() -> None:
    passed = _result("testing.suite.repeatable", FakeApp(), Leftovers({"books": 12, "authors": 3, "loans": 0}))
    skipped = _result("testing.suite.repeatable", FakeApp(), Leftovers({"books": 0}))
    assert _block(_terminal(passed)) == _golden("repeatable_passed.txt")
    assert _block(_terminal(skipped)) == _golden("repeatable_not_judged.txt")


def _response(status: int, method: str, url: str, body: str) -> httpx.Response:
    request = httpx.Request(method, url)
    return httpx.Response(status, request=request, text=body, headers={"content-type": "application/json"})


def test_sql_evidence_keeps_the_convicting_shape_and_says_what_a_500_was() -> None:
    ctx = CheckContext(http=None, app=FakeApp(), run_id="rgold", seed=1, lab_id="node/week-18")  # type: ignore[arg-type]
    broke = _response(500, "GET", "http://127.0.0.1:4000/v1/books?q=x%27+OR+%271%27%3D%271", '{"title":"oops"}')
    spliced_in = _response(200, "GET", "http://127.0.0.1:4000/v1/books?tag=x%27+OR+%271%27%3D%271", '{"items":[]}')
    findings = [
        Finding("GET /v1/books?q=", "x' OR '1'='1",
                "the request failed with 500 where a harmless value got 200, and no statement of it completed "
                "(pg_stat_statements records only completed statements): a quote in the input most likely broke "
                "the SQL text", broke),
        Finding("GET /v1/books?tag=", "x' OR '1'='1",
                "a new statement shape appeared: SELECT * FROM books WHERE $1 = ANY(tags) OR $2 = $3", spliced_in,
                "SELECT * FROM books WHERE $1 = ANY(tags) OR $2 = $3"),
    ]
    failure = spliced(ctx, findings)
    assert failure.actual == (
        "GET /v1/books?tag= with \"x' OR '1'='1\": a new statement shape appeared:\n"
        "  SELECT * FROM books WHERE $1 = ANY(tags) OR $2 = $3\n"
        "GET /v1/books?tag=x%27+OR+%271%27%3D%271 -> 200 (application/json)\n"
        '{"items":[]}')
    assert failure.evidence == (
        "GET /v1/books?q= <- \"x' OR '1'='1\": the request failed with 500 where a harmless value got 200, and no "
        "statement of it completed (pg_stat_statements records only completed statements): a quote in the input "
        "most likely broke the SQL text")
    assert failure.reproduce == "curl -i \"http://localhost:$PORT/v1/books?tag=x%27+OR+%271%27%3D%271\""


def test_no_report_shows_a_label_with_nothing_after_it() -> None:
    failure = Failure("it broke", expected="", actual="  \n", hint=None, evidence="")
    assert (failure.expected, failure.actual, failure.evidence) == (None, None, None)
    check = CheckResult("a.b.c", "A check.", Status.FAIL, 0.0, 1.0, 0.0, message="it broke",
                        reproduce="psql -c 'SELECT 1'")
    text = _terminal(check)
    for label in ("Expected:", "Actual:", "Hint:", "Evidence:"):
        assert label not in text
    assert "$PORT" not in text, "no reproduce line uses $PORT: no footer about it"
    with_port = dataclasses.replace(check, reproduce='curl -i "http://localhost:$PORT/v1/books"')
    assert "Reproduce lines use $PORT: start your app yourself (PORT=3000 your start command)" in _terminal(with_port)
    # The variables of the services the run started, and only those.
    both = _terminal(with_port, services={"postgres": "local", "redis": "local"})
    assert "(PORT=3000 DATABASE_URL=... REDIS_URL=... your start command)" in both, both


def test_a_check_that_could_not_judge_here_is_counted_apart_from_errors() -> None:
    unjudged = CheckResult("prod.load.rps", "The API holds the rate.", Status.ERROR, 0.0, 5.0, 0.0,
                           message="cannot check here: something outside this run took 105% of a core",
                           cause="environment")
    crashed = CheckResult("a.b.crash", "A check.", Status.ERROR, 0.0, 1.0, 0.0, message="the check crashed",
                          cause="crash")
    assert "0 passed, 1 not judged here · score 0/5" in _terminal(unjudged)
    assert "0 passed, 1 errors, 1 not judged here" in _terminal(unjudged, crashed)
