"""Seeded bugs: the project's tests must fail when the lab plants one in the code they test.

Each lab names, in lab.toml `[[bugs]]`, how to plant each bug in the code it ships (one text
replacement, runner/bugs.py); the harness runs the suite once per bug on a copy of the project.
These checks read those runs. The bugs are the Shelf contract's, so a FastAPI or a Spring lab
plants the same ones in its own code and these checks grade it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.outcomes import CannotCheck, Failure, Passed
from harness.registry import CheckContext, check
from harness.runs import TestRun

from .suite import passing_suite, rerun_fails


@dataclass(frozen=True)
class Bug:
    name: str
    planted: str  # what is wrong in the code with this bug, for "your tests passed with ..."
    hint: str  # the test that would catch it


BUGS = (
    Bug("loan_oversell", "a book with no copy left can still be borrowed",
        "Borrow every copy of a book, then once more: expect 409, and copies_available still 0."),
    Bug("double_return", "a returned loan can be returned again, giving its copy back twice",
        "Return a loan twice: the second answer is 409 and copies_available does not grow."),
    Bug("unknown_book", "an unknown book id answers 200 instead of 404",
        "GET /v1/books/<an id that does not exist>: expect 404 with a problem+json body."),
    Bug("invalid_book", "a negative copies_total passes validation (the answer is no longer 422)",
        "POST a book with copies_total -1 (and other invalid fields, one at a time): expect 422."),
    Bug("page_limit", "a page holds one book more than its limit",
        "Create limit + 1 books under a tag of their own, list them with that limit: expect exactly limit "
        "items and a next_cursor."),
    Bug("sort_descending", "sort=-year lists the oldest books first",
        "List books with sort=-year: the years must never increase down the page (and sort=year the reverse)."),
)


def _register(bug: Bug) -> None:
    check_id = f"testing.catches.{bug.name}"

    def caught(ctx: CheckContext) -> Passed:
        passing_suite(ctx)  # a suite that fails on the shipped code catches nothing by failing
        shipped = ctx.app.rerun_on_shipped
        if shipped is not None and not shipped.passed:
            raise rerun_fails(shipped, f"not judged: the command the bugs run ([tests] rerun: {shipped.command}) "
                                       "fails on the code as shipped, so its failing with a bug planted proves nothing")
        found = ctx.app.bug_runs.get(check_id)
        if found is None:
            raise CannotCheck(f"this lab's lab.toml plants no bug for {check_id}")
        if found.run is None:
            raise Failure(
                f"the bug could not be planted: {found.problem}",
                hint=f"This lab's tests run against the code it ships: keep {found.file} as the starter has it "
                     "(your tests are yours to write, the code under test is not).",
            )
        if found.run.exit_code is None:
            # A suite that hangs on the bug (a loop that waits for a copy that never comes back)
            # did not pass with it: counted as caught, and said so.
            return Passed(f"caught: with this bug planted in {found.file}, your tests did not finish within "
                          "their time limit ([tests] timeout)", evidence=found.run.log_tail)
        if found.run.passed:
            raise Failure(
                f"your tests passed with this bug planted in {found.file}: {bug.planted}",
                expected="at least one test fails",
                actual="every test passed",
                hint=bug.hint,
                reproduce=f"plant the bug in {found.file} yourself, then: {found.run.command}",
            )
        return _caught_by(found.file, found.run)

    caught.__name__ = f"catches_{bug.name}"
    caught.__doc__ = f"Your tests fail when {bug.planted}.\n\nThe harness plants the bug in a copy of the project."
    check(check_id, points=1, services={"postgres"}, needs_app=False, app_database=False, suite_runs=1)(caught)


def _caught_by(file: str, run: TestRun) -> Passed:
    """The tests that failed against the bug, by name, with their errors as the evidence."""
    names = run.failing_names
    if not names:
        return Passed(f"caught: with this bug planted in {file}, your tests failed (exit {run.exit_code}); "
                      "their output named no failing test", evidence=run.log_tail)
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return Passed(f"caught by {names[0]}{more} (with this bug planted in {file})", evidence=run.failed_tests)


for _bug in BUGS:
    _register(_bug)
