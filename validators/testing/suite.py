"""The project's suite, read as evidence: it ran, it passed, and it does not need an empty database."""

from __future__ import annotations

from harness.outcomes import CannotCheck, Failure
from harness.registry import CheckContext, TestRun, check

from ..production.suite import no_tests_section


def passing_suite(ctx: CheckContext) -> TestRun:
    """The first run of the project's tests, which must have passed for anything else to mean something."""
    run = ctx.app.test_run
    if run is None:
        raise no_tests_section()
    if not run.passed:
        raise Failure(
            "not judged: your tests already fail on the code as shipped, so failing again proves nothing",
            actual=run.failed_tests or run.log_tail,
            hint="Make the suite pass first (prod.tests.coverage shows why it fails).",
            reproduce=run.command,
        )
    return run


@check("testing.suite.repeatable", points=1, services={"postgres"})
def suite_repeatable(ctx: CheckContext) -> None:
    """The project's tests pass a second time, on the database their first run left behind.

    Tests that count every row of a table, or reuse a fixed e-mail or ISBN, pass once on an
    empty database and then fail on a developer's machine, in CI with a shared database, and
    on the second run of the day.
    """
    first = passing_suite(ctx)
    again = ctx.app.repeat_run
    if again is None:
        raise CannotCheck("this lab's lab.toml does not ask for a second run ([app] repeat_tests = true)")
    if again.exit_code is None:
        raise Failure("your tests pass on an empty database, but did not finish on the one their first run left "
                      "behind (the [tests] time limit)", actual=again.log_tail, reproduce=f"{first.command}  # twice")
    if not again.passed:
        raise Failure(
            "your tests pass on an empty database, but fail on the one their first run left behind",
            expected="the same command passes twice in a row on the same DATABASE_URL",
            actual=again.failed_tests or again.log_tail,
            hint="Let each test create the rows it reads and assert on those (the ids it got back, a unique tag "
                 "or e-mail per run), never on the count of a whole table; or empty the tables in a setup hook.",
            reproduce=f"DATABASE_URL=postgresql://.../same_db sh -c '{first.command} && {first.command}'",
        )
