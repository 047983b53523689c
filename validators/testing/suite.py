"""The project's suite, read as evidence: it ran, it passed, and it does not need an empty database."""

from __future__ import annotations

from harness.outcomes import CannotCheck, Failure, Passed, Skip
from harness.registry import CheckContext, check
from harness.runs import Leftovers, TestRun

from ..production.tests import no_tests_section


def passing_suite(ctx: CheckContext) -> TestRun:
    """The first run of the project's tests, which must have passed for anything else to mean something."""
    run = ctx.app.test_run
    if run is None:
        raise no_tests_section()
    if not run.passed:
        names = run.failing_names
        which = f" ({names[0]} first)" if names else ""
        raise Failure(
            f"not judged: your tests already fail on the code as shipped{which}, so failing again proves nothing",
            actual=run.failed_tests or run.log_tail,
            hint="Make the suite pass first (prod.tests.coverage shows why it fails).",
            reproduce=run.command,
        )
    return run


def rerun_fails(shipped: TestRun, message: str) -> Failure:
    """[tests] rerun failed on the code as shipped: the runs that use it (the second run, each
    seeded bug) prove nothing by failing."""
    return Failure(message, expected="[tests] rerun passes on the code as shipped, as [tests] command does",
                   actual=shipped.failed_tests or shipped.log_tail,
                   hint="[tests] rerun in harness.toml runs the suite (without coverage) for the second run and "
                        "for each seeded bug: make it run the same tests as [tests] command, with the same runner.",
                   reproduce=shipped.command)


@check("testing.suite.repeatable", points=1, services={"postgres"}, needs_app=False, app_database=False,
       suite_runs=2)
def suite_repeatable(ctx: CheckContext) -> Passed:
    """The project's tests pass a second time, on the database their first run left behind.

    Tests that count every row of a table, or reuse a fixed e-mail or ISBN, pass once on an
    empty database and then fail on a developer's machine, in CI with a shared database, and
    on the second run of the day. Judged only when the first run left rows behind: a second
    run on an empty database proves nothing.
    """
    first = passing_suite(ctx)
    again = ctx.app.repeat_run
    if again is None:
        raise CannotCheck("this lab's lab.toml does not ask for a second run ([app] repeat_tests = true)")
    if again.exit_code is None:
        raise Failure("your tests pass on an empty database, but did not finish on the one their first run left "
                      "behind (the [tests] time limit)", actual=again.log_tail,
                      reproduce=f"{first.command}; {again.command}")
    shipped = ctx.app.rerun_on_shipped
    if not again.passed and shipped is not None and shipped is not first and not shipped.passed:
        raise rerun_fails(shipped, f"your [tests] rerun command ({again.command}) fails on a fresh database too: "
                                   "the second run failed for that, not for the rows the first run left")
    if not again.passed:
        raise Failure(
            "your tests pass on an empty database, but fail on the one their first run left behind",
            expected="the same command passes twice in a row on the same DATABASE_URL",
            actual=again.failed_tests or again.log_tail,
            hint=ctx.hint(
                "Let each test create the rows it reads, with values of its own, and assert on those (the ids "
                "it got back), never on the count of a whole table.",
                node="Use unique() from tests/support.js for every e-mail, isbn and tag: unique('ada') + "
                     "'@example.org'.",
                python="Use the unique fixture for every e-mail, isbn and tag: f\"{unique('ada')}@example.org\".",
            ),
            reproduce=f"DATABASE_URL=postgresql://.../same_db sh -c '{first.command} && {again.command}'",
        )
    return _judged(ctx.suite_leftovers)


def _judged(left: Leftovers | None) -> Passed:
    """A second run that passed means something only if the first one left rows for it to meet."""
    if left is None or left.problem:
        why = left.problem if left is not None else "the harness did not read the database after the first run"
        return Passed("passed twice on the same database; whether the first run left rows behind could not be "
                      f"read ({why}), so this is the second run's verdict alone")
    if left.total == 0:
        count = len(left.rows)
        tables = (f"{count} table{'s' if count != 1 else ''}, {'all ' if count > 1 else ''}empty" if count
                  else "no tables")
        raise Skip(f"not judged: your tests' first run left no rows in their database ({tables}), so the second "
                   "run met an empty database again. Tests that create rows through the API (and leave them) "
                   "are what this check judges.")
    kept = sorted(((t, n) for t, n in left.rows.items() if n), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{table} {count}" for table, count in kept[:6]) + (", …" if len(kept) > 6 else "")
    return Passed(f"passed again on the database the first run left behind ({left.total} rows: {shown})")
