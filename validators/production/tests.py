"""The project's own tests: they pass, against a real database, with coverage reported."""

from __future__ import annotations

from dataclasses import dataclass

from harness.outcomes import Failure, Passed
from harness.params import Param
from harness.registry import CheckContext, check
from harness.runs import TestRun


def no_tests_section() -> Failure:
    """For every check that reads the project's test runs (the testing labs' too)."""
    return Failure(
        "harness.toml has no [tests] section, so the harness cannot run your tests",
        expected='[tests]\ncommand = "npm test"\ncoverage = "coverage/coverage-summary.json"',
        hint="Name the command that runs your unit, integration and end-to-end tests, and the coverage "
             "report it writes (Istanbul json-summary, lcov, Cobertura or JaCoCo).",
    )


@dataclass(frozen=True)
class SuiteWords:
    """What a lab says to its learners about their own suite: the rest of the verdict is shared."""

    expected: str  # what a passing run is, shown when it fails
    failing_hint: str  # when the runner named failing tests
    unnamed_hint: str  # when it failed and named none (a suite that stopped before its first test)
    reproduce: str  # the line that runs the suite as the harness did
    coverage_hint: str  # when coverage is below the minimum


def judge_suite(run: TestRun, minimum: float, words: SuiteWords) -> Passed:
    """The project's test run passes, with a coverage report at or above `minimum` percent."""
    if run.exit_code is None:
        raise Failure(f"the tests did not finish within their time limit ([tests] timeout): {run.command}",
                      actual=run.log_tail, reproduce=run.command)
    if run.exit_code != 0:
        # The runner's last lines are often a coverage table: name the failing tests first.
        names = run.failing_names
        if names:
            more = f" and {len(names) - 1} more" if len(names) > 1 else ""
            message = f"your tests fail on the code as shipped: {names[0]}{more} (exit {run.exit_code})"
            hint = words.failing_hint
        else:
            message = f"the tests failed (exit {run.exit_code}), and their output named no failing test: {run.command}"
            hint = words.unnamed_hint
        raise Failure(message, expected=words.expected, actual=run.failed_tests or run.log_tail, hint=hint,
                      reproduce=words.reproduce)
    if run.coverage_percent is None:
        raise Failure("the tests passed, but no coverage report could be read", actual=run.coverage_detail,
                      hint="Run the tests with coverage (c8 --reporter=json-summary, pytest --cov "
                           "--cov-report=xml, JaCoCo) and name the report in [tests] coverage.",
                      reproduce=run.command)
    if run.coverage_percent < minimum:
        raise Failure(
            f"line coverage is {run.coverage_percent:.1f}%, below {minimum:g}%",
            expected=f"at least {minimum:g}% of lines covered",
            actual=run.coverage_detail,
            hint=words.coverage_hint,
            reproduce=run.command,
        )
    return Passed(f"line coverage {run.coverage_percent:.1f}% (at least {minimum:g}%): {run.coverage_detail}")


@check("prod.tests.coverage", points=3, services={"postgres"}, needs_app=False, app_database=False, suite_runs=1,
       params=[
    Param("min_coverage", float, 80, "the lowest line coverage that passes, in percent")])
def tests_pass_with_coverage(ctx: CheckContext) -> Passed:
    """The project's tests pass against a real database, with line coverage reported and high enough.

    The harness runs harness.toml's [tests] command before starting the app, with a fresh
    database of its own in DATABASE_URL, and reads the coverage report the run wrote.
    """
    minimum: float = ctx.param("min_coverage")
    run = ctx.app.test_run
    if run is None:
        raise no_tests_section()
    return judge_suite(run, minimum, SuiteWords(
        expected="exit code 0, with DATABASE_URL pointing at an empty database",
        failing_hint=("Fix the failing test named above first: run it alone with the reproduce line and read its "
                      "error. If it passes on your machine, it depends on something an empty database does "
                      "not have (rows another test made, a schema your migrations would create)."),
        unnamed_hint=("Read the output below: a suite that stops before its first test (a missing module, no schema) "
                      "looks like this. Your tests get an empty database of their own: create the schema in the "
                      "test setup (run your migrations first)."),
        reproduce=f"DATABASE_URL=postgresql://.../empty_db {run.command}",
        coverage_hint="Cover the routes' error paths too: 404, 409, 422 and the rollback of a failed loan.",
    ))
