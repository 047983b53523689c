"""The learner's own tests of their package (python/week-04's shelfasync): present, passing, covering it.

The lab has no services: harness.toml's [tests] command runs the project's pytest with
coverage before the checks ([app] run_tests = true in lab.toml), and the verdict is the one
the production labs give their suites (validators/production/tests.py), in this lab's words.
"""

from __future__ import annotations

from harness.outcomes import Failure, Passed
from harness.params import Param
from harness.registry import CheckContext, check

from ..production.tests import SuiteWords, judge_suite

# pytest's exit code when it collected no test at all (pytest.ExitCode.NO_TESTS_COLLECTED).
NO_TESTS_COLLECTED = 5
COMMAND = ".venv/bin/python -m pytest -q -p no:cacheprovider --cov=shelfasync --cov-report=xml:coverage.xml"


@check("pymodule.tests.covered", points=2, needs_app=False, suite_runs=1, params=[
    Param("min_coverage", float, 80, "the lowest line coverage of the package that passes, in percent")])
def own_tests_covered(ctx: CheckContext) -> Passed:
    """The project's own tests (tests/test_*.py) pass, and cover most lines of the package.

    The harness runs harness.toml's [tests] command (the starter's: pytest with pytest-cov,
    writing coverage.xml) in the project before the other checks, and reads the report. No test
    collected (pytest's exit code 5) is said so; failing tests are named with their errors.
    """
    minimum: float = ctx.param("min_coverage")
    run = ctx.app.test_run
    if run is None:
        raise Failure("harness.toml has no [tests] section, so the harness cannot run your tests",
                      expected=f'[tests]\ncommand = "{COMMAND}"\ncoverage = "coverage.xml"',
                      hint="Keep the starter's [tests] section: it runs your tests/test_*.py with coverage.")
    if run.exit_code == NO_TESTS_COLLECTED:
        raise Failure("no tests: pytest found no test to run in the project (exit 5)",
                      expected="your own tests in tests/test_*.py (functions named test_*), passing",
                      actual=run.log_tail,
                      hint=("Write tests of your package in tests/test_<module>.py: plain functions named test_... "
                            "that call asyncio.run(...) on a coroutine of theirs and assert what it gives. Cover "
                            "each module, the errors too (pytest.raises)."),
                      reproduce=run.command)
    return judge_suite(run, minimum, SuiteWords(
        expected="exit code 0: every test in tests/ passes",
        failing_hint=("Fix the failing test named above first: run it alone with the reproduce line and read its "
                      "error. A test that passes alone but not with the others shares state with them (a "
                      "module-level event or queue: make them inside the test's own asyncio.run)."),
        unnamed_hint=("Read the output below: a suite that stops before its first test (a test file that cannot "
                      "import shelfasync, a syntax error) looks like this."),
        reproduce=run.command,
        coverage_hint=("The report names the lines no test ran (--cov-report=term-missing): test the error paths "
                       "too (a limit below 1, a timeout, a failing handler, a URL that cannot be reached)."),
    ))
