"""The testing checks' verdicts, from made-up runs of a project's suite (the runs themselves are integration-tested)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from harness.outcomes import CannotCheck, Failure, Passed, Skip
from harness.registry import CheckContext, load_validators
from harness.runs import BugRun, Leftovers
from harness.runs import TestRun as SuiteRun  # not collected as a test class

PASSED = SuiteRun("npm test", 0, 1.0, "# pass 12", 91.0, "istanbul: 91 of 100 lines")
FAILED = SuiteRun("npm test", 1, 1.0, "# fail 1", None, "", "1 failing test:\n  ✗ borrowing a lent-out book is 409")
CHECK = "testing.catches.loan_oversell"


@dataclass
class FakeApp:
    test_run: SuiteRun | None = PASSED
    repeat_run: SuiteRun | None = PASSED
    bug_runs: dict[str, BugRun] = field(default_factory=dict)
    rerun_on_shipped: SuiteRun | None = PASSED


def verdict(check_id: str, app: FakeApp, left: Leftovers | None = None) -> tuple[Passed | None, Exception | None]:
    ctx = CheckContext(http=None, app=app, run_id="rtest", seed=1, suite_leftovers=left)  # type: ignore[arg-type]
    try:
        return load_validators().get(check_id).func(ctx), None
    except (Failure, CannotCheck, Skip) as exc:
        return None, exc


def test_a_bug_the_suite_fails_on_is_caught_and_the_catching_test_named() -> None:
    passed, error = verdict(CHECK, FakeApp(bug_runs={CHECK: BugRun(CHECK, "src/repos/loans.js", FAILED)}))
    assert error is None and passed is not None
    assert passed.message == "caught by borrowing a lent-out book is 409 (with this bug planted in src/repos/loans.js)"
    assert passed.evidence == FAILED.failed_tests


def test_a_suite_that_hangs_on_the_bug_caught_it() -> None:
    hung = SuiteRun("npm test", None, 300.0, "", None, "")
    passed, error = verdict(CHECK, FakeApp(bug_runs={CHECK: BugRun(CHECK, "src/repos/loans.js", hung)}))
    assert error is None and passed is not None and "did not finish" in passed.message


def test_a_suite_that_passes_with_the_bug_fails_with_the_test_to_write() -> None:
    _, error = verdict(CHECK, FakeApp(bug_runs={CHECK: BugRun(CHECK, "src/repos/loans.js", PASSED)}))
    assert isinstance(error, Failure)
    assert "your tests passed with this bug planted in src/repos/loans.js" in error.message
    assert error.hint is not None and "409" in error.hint


def test_a_suite_failing_on_the_shipped_code_proves_nothing() -> None:
    _, error = verdict(CHECK, FakeApp(test_run=FAILED, bug_runs={CHECK: BugRun(CHECK, "f", FAILED)}))
    assert isinstance(error, Failure) and error.message.startswith("not judged")
    assert error.actual is not None and "borrowing a lent-out book" in error.actual


def test_a_rerun_command_that_fails_on_the_shipped_code_catches_no_bug() -> None:
    broken = SuiteRun("node tests/run.js", 1, 0.1, "Error: Cannot find module '/p/tests/run.js'", None, "")
    _, error = verdict(CHECK, FakeApp(rerun_on_shipped=broken, bug_runs={CHECK: BugRun(CHECK, "f", FAILED)}))
    assert isinstance(error, Failure) and error.message.startswith("not judged: the command the bugs run "
                                                                   "([tests] rerun: node tests/run.js)")
    assert error.actual is not None and "Cannot find module" in error.actual
    passed, _ = verdict(CHECK, FakeApp(rerun_on_shipped=None, bug_runs={CHECK: BugRun(CHECK, "f", FAILED)}))
    assert passed is not None, "no rerun of its own needed (the first run's command): judged by the bug run"


def test_a_second_run_that_fails_for_its_command_is_not_blamed_on_leftovers() -> None:
    broken = SuiteRun("node tests/run.js", 1, 0.1, "Error: Cannot find module '/p/tests/run.js'", None, "")
    _, error = verdict("testing.suite.repeatable", FakeApp(repeat_run=broken, rerun_on_shipped=broken), LEFT)
    assert isinstance(error, Failure) and "fails on a fresh database too" in error.message, error
    _, error = verdict("testing.suite.repeatable", FakeApp(repeat_run=FAILED, rerun_on_shipped=None), LEFT)
    assert isinstance(error, Failure) and "fail on the one their first run left behind" in error.message


def test_a_bug_that_could_not_be_planted_says_to_keep_the_shipped_file() -> None:
    _, error = verdict(CHECK, FakeApp(bug_runs={CHECK: BugRun(CHECK, "src/repos/loans.js", None, "not in it")}))
    assert isinstance(error, Failure) and "could not be planted: not in it" in error.message
    assert error.hint is not None and "keep src/repos/loans.js as the starter has it" in error.hint


def test_a_lab_without_the_bug_cannot_check() -> None:
    _, error = verdict(CHECK, FakeApp())
    assert isinstance(error, CannotCheck)


def test_no_tests_section_is_a_failure_naming_it() -> None:
    for check_id in (CHECK, "testing.suite.repeatable"):
        _, error = verdict(check_id, FakeApp(test_run=None))
        assert isinstance(error, Failure) and "no [tests] section" in error.message


LEFT = Leftovers({"books": 12, "authors": 3, "loans": 0})


@pytest.mark.parametrize(("again", "passes"), [(PASSED, True), (FAILED, False)])
def test_the_second_run_decides_repeatable(again: SuiteRun, passes: bool) -> None:
    passed, error = verdict("testing.suite.repeatable", FakeApp(repeat_run=again), LEFT)
    assert (error is None) is passes
    if passes:
        assert passed is not None and "(15 rows: books 12, authors 3)" in passed.message
    else:
        assert isinstance(error, Failure) and error.actual is not None and "lent-out" in error.actual


def test_repeatable_is_not_judged_when_the_first_run_left_no_rows() -> None:
    _, error = verdict("testing.suite.repeatable", FakeApp(), Leftovers({"books": 0, "authors": 0}))
    assert isinstance(error, Skip) and "left no rows in their database (2 tables, all empty)" in error.reason
    # a second run that fails is a failure whatever the first one left
    _, error = verdict("testing.suite.repeatable", FakeApp(repeat_run=FAILED), Leftovers({}))
    assert isinstance(error, Failure)


def test_repeatable_says_when_the_rows_could_not_be_read() -> None:
    passed, error = verdict("testing.suite.repeatable", FakeApp(), Leftovers({}, "could not connect as app_r1"))
    assert error is None and passed is not None
    assert "could not be read (could not connect as app_r1)" in passed.message
