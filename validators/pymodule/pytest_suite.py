"""The lab's hidden pytest suites, run on the learner's package (shelfkit in python/week-01,
shelfasync in python/week-04: a check names its lab's package).

The lab's `hidden/tests/` folder (test files, a conftest.py that gives each test a budget, a
pytest.ini) is placed in the project (validators/module/hidden_files.py) and one file of it
runs with the project's own `.venv/bin/python -m pytest` through the app's launcher (the
submission's account and jail). `-c` names the lab's pytest.ini, which makes its folder the
rootdir: the project's own pytest configuration and conftest.py files are not read, and
plugins installed in the project's venv are not loaded (PYTEST_DISABLE_PLUGIN_AUTOLOAD). The
tests import the package by its name from the project folder (python -m puts the working
folder first on sys.path), as the learner's own code would.

Failing tests are named with their error lines from pytest's short summary
(harness/runner/testlog.py), and the reproduce line copies the folder in and runs the first
failing test alone.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext
from harness.runner.testlog import FailureDigest
from harness.runs import ProjectRun

from ..module.hidden_files import HIDDEN, lab_hidden, placed

PYTHON = ".venv/bin/python"
PACKAGE = "shelfkit"
ASYNC_PACKAGE = "shelfasync"  # python/week-04's
TESTS = "tests"
SUITE_BUDGET_S = 60.0
# pytest cuts the short summary's lines to the terminal's width (80 when there is none): wide
# enough that each failing test keeps its error message.
RUN_ENV = {"COLUMNS": "1000", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}
_COUNT = re.compile(r"(\d+) (failed|passed|skipped|xfailed|xpassed|errors?)\b")
_SUMMARY = re.compile(r"^=*\s*(?:\d+ \w+(?:, )?)+.* in [\d.]+s")
CRASH_LINES = 8


def python_of(ctx: CheckContext) -> str:
    """The project's interpreter: the venv its [app] install made (a link to the base python,
    which the run itself follows as the project's account, never the harness)."""
    if not os.path.lexists(ctx.app.project_dir / PYTHON):
        raise Failure(f"the project has no {PYTHON}: its packages are not installed",
                      expected=f"{PYTHON}, made by harness.toml's [app] install",
                      hint="Keep the starter's [app] install line (python3 -m venv .venv && .venv/bin/pip install "
                           "-r requirements.txt) and requirements.txt.",
                      reproduce="python3 -m venv .venv && .venv/bin/pip install -r requirements.txt")
    return PYTHON


@dataclass(frozen=True)
class SuiteResult:
    run: ProjectRun
    counts: dict[str, int]
    failures: str  # the failing tests, named with their error lines
    first_failing: str  # its node id, to run it alone
    crash: str  # why the file could not run at all (its import of the package failed), or ""


def counts_of(output: str) -> dict[str, int]:
    """pytest's final tally (`3 failed, 10 passed in 0.12s`): outcome -> count, "error" for errors."""
    for line in reversed(output.strip().splitlines()):
        if _SUMMARY.match(line.strip()):
            return {kind.rstrip("s") if kind.startswith("error") else kind: int(n) for n, kind in _COUNT.findall(line)}
    return {}


def crash_lines(output: str, most: int = CRASH_LINES) -> str:
    """The error of a test file that could not be collected: pytest's `E   ` lines for it."""
    kept = [line[1:].strip() for line in output.splitlines() if line.startswith("E   ")]
    return "\n".join(kept[:most])


def read_suite(run: ProjectRun, file: str) -> SuiteResult:
    digest = FailureDigest()
    for line in run.output.splitlines():
        digest.add(line)
    failed = digest.failures()
    # A collection error is reported as an ERROR named by the file alone (no ::test).
    crashed = any("::" not in test.name and test.name.endswith(file) for test in failed)
    crash = (crash_lines(run.output) or "pytest could not collect the file") if crashed else ""
    first = "" if crashed else next((test.name for test in failed if "::" in test.name), "")
    return SuiteResult(run, counts_of(run.output), digest.summary(), first, crash)


def run_suite(ctx: CheckContext, file: str) -> SuiteResult:
    """Run the lab's hidden/tests/<file> with the project's pytest."""
    python = python_of(ctx)
    with placed(ctx, TESTS) as folder:
        # --tb=native: pytest's own traceback styles parse each frame's source with ast, and on
        # Python 3.11.7 a task's "exception was never retrieved" logged by the garbage collector in
        # the middle of that parse ends the whole run in an INTERNALERROR (SystemError: AST
        # constructor recursion depth mismatch): one unfinished function would hide every other
        # test's verdict. Python's own tracebacks read lines only.
        run = ctx.app.run_command(
            [python, "-m", "pytest", "-c", str(folder / "pytest.ini"), "-q", "-rfE", "--tb=native",
             "-p", "no:cacheprovider", str(folder / file)], timeout_s=SUITE_BUDGET_S, env=RUN_ENV)
    return read_suite(run, file)


def judge_tests(ctx: CheckContext, file: str, subject: str, hint: str, package: str = PACKAGE) -> Passed:
    """Pass when every hidden test of `file` passes; else fail naming the tests that did not.
    `package` is what the tests import, named when they cannot."""
    result = run_suite(ctx, file)
    run, counts = result.run, result.counts
    reproduce = reproduce_line(lab_hidden(ctx), file, result.first_failing)
    if run.exit_code is None:
        raise Failure(f"the hidden tests of {subject} did not finish within {SUITE_BUDGET_S:.0f} s (stopped)",
                      actual=result.failures or _tail(run.output),
                      hint="Each test has 10 s: something waits for ever, or a loop never ends. " + hint,
                      reproduce=reproduce)
    if result.crash:
        raise Failure(f"the hidden tests of {subject} could not run: {result.crash.splitlines()[0]}",
                      expected=f"{file} imports {package} from the project folder and its tests run",
                      actual=result.crash,
                      hint=(f"Python could not import the package: keep it in {package}/ at the top of the project, "
                            f"with an __init__.py that imports what LAB.md lists, and check that "
                            f"{PYTHON} -c 'import {package}' works."),
                      reproduce=reproduce)
    total = sum(counts.values())
    bad = counts.get("failed", 0) + counts.get("error", 0)
    if run.passed and total and counts.get("passed") == total:
        return Passed(f"all {total} hidden tests of {subject} pass")
    first = f": {result.first_failing.rsplit('::', 1)[-1]}" if result.first_failing else ""
    raise Failure(
        f"{bad} of {total} hidden tests of {subject} fail{first}" if total and bad
        else f"the hidden tests of {subject} did not run (pytest exited with code {run.exit_code})",
        expected=f"every test in {file} passes",
        actual=result.failures or _tail(run.output),
        hint=hint, reproduce=reproduce,
    )


def reproduce_line(hidden: Path, file: str, node_id: str) -> str:
    tests = PurePosixPath(HIDDEN) / TESTS
    target = node_id or str(tests / file)
    return (f"mkdir -p {HIDDEN} && cp -r {shlex.quote(str(hidden / TESTS))} {HIDDEN}/ && "
            f"{PYTHON} -m pytest -c {tests}/pytest.ini -p no:cacheprovider --tb=native {shlex.quote(target)}")


def _tail(output: str, lines: int = 15) -> str:
    return "\n".join(output.strip().splitlines()[-lines:])
