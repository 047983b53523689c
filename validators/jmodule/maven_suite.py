"""The lab's hidden JUnit 5 suite, compiled beside the learner's code and run with its Maven.

The lab's `hidden/shelfgrading/` folder (test classes in a package of the lab's own) is copied
into the project's test source root, src/test/java/shelfgrading/ (validators/module/
hidden_files.py: `placed_in`), and Maven runs through the app's launcher (the submission's
account and jail), offline: the install downloaded what the test phase needs (the starter's
pom names Surefire's JUnit 5 provider and launcher for that). Each check then reads the
Surefire reports of its own classes (surefire.py).

The learner's pom is the one Maven reads, so the command overrides what a pom could use to
leave the hidden tests out: -Dtest names exactly the hidden classes (Surefire then ignores the
pom's includes and excludes), -DskipTests=false and -Dmaven.test.skip=false, and
-Dsurefire.failIfNoSpecifiedTests=true. A pom that skips them anyway in its plugin
configuration, where a property cannot reach, or moves the reports, leaves no report of a
hidden class: the check fails saying so, never passes. -Dmaven.test.failure.ignore=true keeps
Maven going after a failing class, so that every class gets its report.

One Maven run per round of checks serves every check (the first check to ask makes it; the
others read its reports). A check that asks again for classes it was already served (the next
round of `harness check --repeat`) gets a new run, so each round judges a run of its own.

A hidden class that does not compile (the learner changed a signature the README fixes) stops
the compilation of all of them. When javac named only hidden classes, the shared run is made
once more without those (one Maven run for every other check, not one per check), and their
checks fail with the first run's errors. Any check whose classes still have no report (javac
named the learner's own files, or reports a class's errors only once another's are gone) runs
its own classes alone, so that one wrong signature fails only its check.
"""

from __future__ import annotations

import re
import shlex
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext
from harness.runs import ProjectRun

from ..module.hidden_files import lab_hidden, placed_in
from .surefire import ClassReport, read_report

PACKAGE = "shelfgrading"
TEST_ROOT = Path("src/test/java")
TARGET = Path("target")
REPORTS = TARGET / "surefire-reports"
# A cold JVM compiling and testing a small library takes seconds; a busy 2-core machine and a
# first Surefire fork multiply that, and the budget is the whole suite's.
SUITE_BUDGET_S = 240.0
SHOWN_FAILURES = 8
ERROR_LINES = 12
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # Debian's Maven colours some lines even in batch mode
# javac's error lines as Maven prints them: `[ERROR] /path/File.java:[12,5] message`.
_ERROR_FILE = re.compile(r"^\[ERROR\]\s+(\S+\.java):\[\d+,\d+\]", re.MULTILINE)
_HIDDEN_FILE = re.compile(rf"(?:^|/){TEST_ROOT.as_posix()}/{PACKAGE}/(\w+)\.java$")
_NOISE = re.compile(r"^\[ERROR\]\s*(?:$|->|COMPILATION ERROR|Re-run Maven|To see the full|For more information"
                    r"|Failed to execute goal|\[Help|After correcting)")


@dataclass(frozen=True)
class SuiteRun:
    run: ProjectRun
    reports: dict[str, ClassReport]  # test class (simple name) -> its report; absent: none was written
    unreadable: dict[str, str]       # test class -> why its report could not be read
    served: set[tuple[str, ...]] = field(default_factory=set)  # the class groups judged from this run
    # Hidden classes javac refused in the run of all of them, with that run: left out of this one.
    broken: dict[str, ProjectRun] = field(default_factory=dict)


_lock = threading.Lock()
_runs: dict[tuple[str, str], SuiteRun] = {}


def maven_command(classes: list[str] | tuple[str, ...]) -> list[str]:
    tests = ",".join(f"{PACKAGE}.{name}" for name in classes)
    return ["mvn", "-B", "-q", "-o", "-Dstyle.color=never", "-DskipTests=false", "-Dmaven.test.skip=false",
            "-Dmaven.test.failure.ignore=true", "-Dsurefire.failIfNoSpecifiedTests=true",
            "-DtrimStackTrace=true", f"-Dtest={tests}", "test"]


def hidden_classes(ctx: CheckContext) -> list[str]:
    return sorted(path.stem for path in (lab_hidden(ctx) / PACKAGE).glob("*Test.java"))


def shared_run(ctx: CheckContext, classes: tuple[str, ...]) -> SuiteRun:
    """The run of every hidden class, made once per round of checks on a project."""
    key = (ctx.run_id, str(ctx.app.project_dir))
    with _lock:
        if key not in _runs or classes in _runs[key].served:
            _runs.clear()  # one project at a time: keep no other run's reports alive
            _runs[key] = _without_broken(ctx, run_suite(ctx, hidden_classes(ctx)), hidden_classes(ctx))
        _runs[key].served.add(classes)
        return _runs[key]


def refused_classes(output: str) -> set[str] | None:
    """The hidden classes javac's errors name; None when an error names any other file (the
    learner's own code), or none is named."""
    files = set(_ERROR_FILE.findall(_ANSI.sub("", output)))
    named = {match.group(1) for match in (_HIDDEN_FILE.search(path.replace("\\", "/")) for path in files) if match}
    return named if files and len(named) == len(files) else None


def _without_broken(ctx: CheckContext, first: SuiteRun, classes: list[str]) -> SuiteRun:
    """`first` when every class has its report; else, when javac refused hidden classes only, one
    run of the others, which remembers the refused ones with `first`."""
    if first.run.exit_code is None or all(name in first.reports for name in classes):
        return first
    if "COMPILATION ERROR" not in first.run.output:
        return first
    refused = refused_classes(first.run.output)
    rest = [name for name in classes if name not in (refused or set())]
    if not refused or not rest or len(rest) == len(classes):
        return first
    second = run_suite(ctx, rest)
    return SuiteRun(second.run, second.reports, second.unreadable, broken=dict.fromkeys(sorted(refused), first.run))


def run_suite(ctx: CheckContext, classes: list[str] | tuple[str, ...]) -> SuiteRun:
    """Run these hidden classes with the project's Maven and read their reports."""
    project = ctx.app.project_dir
    _plain_folders(project)
    for name in classes:  # a report left by an earlier run must not stand for this one
        for stale in (project / REPORTS / f"TEST-{PACKAGE}.{name}.xml", project / REPORTS / f"{PACKAGE}.{name}.txt"):
            if stale.is_symlink() or stale.exists():
                stale.unlink()
    files = [f"{name}.java" for name in classes]
    try:
        with placed_in(ctx, PACKAGE, TEST_ROOT, files):
            run = ctx.app.run_command(maven_command(classes), timeout_s=SUITE_BUDGET_S)
    finally:
        _remove_compiled(project)
    _plain_folders(project)
    reports: dict[str, ClassReport] = {}
    unreadable: dict[str, str] = {}
    for name in classes:
        try:
            report = read_report(project / REPORTS, f"{PACKAGE}.{name}")
        except ValueError as error:
            unreadable[name] = str(error)
            continue
        if report is not None:
            reports[name] = report
    return SuiteRun(run, reports, unreadable)


def _plain_folders(project: Path) -> None:
    """target/ and its surefire-reports/ are the submission's: never read or delete through a link."""
    for folder in (project / TARGET, project / REPORTS):
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise Failure(f"{folder.relative_to(project)} is a link or a file, not Maven's build folder",
                          expected=f"{folder.relative_to(project)} is a folder Maven makes",
                          hint="Leave target/ to Maven: the harness reads its reports in target/surefire-reports/.")


def _remove_compiled(project: Path) -> None:
    """The hidden classes compiled into target/test-classes are the lab's, not the learner's to keep."""
    compiled = project / TARGET / "test-classes" / PACKAGE
    if any(path.is_symlink() for path in (project / TARGET, project / TARGET / "test-classes", compiled)):
        return
    if compiled.is_dir():
        shutil.rmtree(compiled)


def judge(ctx: CheckContext, classes: tuple[str, ...], subject: str, hint: str) -> Passed:
    """Pass when every hidden test of these classes passes; else fail naming those that did not."""
    suite = shared_run(ctx, classes)
    refused = [name for name in classes if name in suite.broken]
    if refused:  # javac refused one of these in the run of all: that run's errors say why
        suite = SuiteRun(suite.broken[refused[0]], {name: report for name, report in suite.reports.items()
                                                    if name in classes}, suite.unreadable)
    elif suite.run.exit_code is not None and any(name not in suite.reports for name in classes):
        suite = run_suite(ctx, classes)
    run = suite.run
    reproduce_all = reproduce_line(ctx, f"{PACKAGE}.{classes[0]}" if len(classes) == 1
                                   else ",".join(f"{PACKAGE}.{name}" for name in classes))
    if run.exit_code is None:
        raise Failure(f"the hidden tests of {subject} did not finish within {SUITE_BUDGET_S:.0f} s (stopped)",
                      actual=error_lines(run.output) or tail(run.output),
                      hint="Each test has 10 s (@Timeout): a loop that never ends, or Maven waiting for "
                           "something it cannot download offline. " + hint,
                      reproduce=reproduce_all)
    for name in classes:
        if name in suite.unreadable:
            raise Failure(f"the report of the hidden tests {name} cannot be read: {suite.unreadable[name]}",
                          hint="Leave target/surefire-reports/ to Surefire.", reproduce=reproduce_all)
    missing = [name for name in classes if name not in suite.reports]
    if missing and "COMPILATION ERROR" in run.output:
        raise Failure(
            f"the hidden tests of {subject} do not compile with your code",
            expected=f"{', '.join(f'{name}.java' for name in missing)} compile against the README's signatures",
            actual=error_lines(run.output) or tail(run.output),
            hint="Keep every class, method and signature the README lists, wildcards and bounds included "
                 "(the line and column above are in the hidden test), and your own tests compiling. " + hint,
            reproduce=reproduce_all)
    if missing:
        raise Failure(
            f"the hidden tests of {subject} did not run: Maven left no report of {', '.join(missing)} "
            f"(mvn exited with code {run.exit_code})",
            expected=f"target/surefire-reports/TEST-{PACKAGE}.{missing[0]}.xml after `mvn test`",
            actual=error_lines(run.output) or tail(run.output),
            hint=("Either the code does not compile with the hidden tests (keep every class and signature "
                  "the README lists, and your own tests compiling), or the pom keeps tests from running "
                  "(<skip>, <skipTests>, <test> or <reportsDirectory> in Surefire's configuration)."),
            reproduce=reproduce_all)
    reports = [suite.reports[name] for name in classes]
    total = sum(report.tests for report in reports)
    problems = [problem for report in reports for problem in report.problems]
    if total and not problems:
        return Passed(f"all {total} hidden tests of {subject} pass")
    shown = [f"{problem.test} ({problem.kind}): {problem.message}" for problem in problems[:SHOWN_FAILURES]]
    if len(problems) > SHOWN_FAILURES:
        shown.append(f"... and {len(problems) - SHOWN_FAILURES} more")
    first = problems[0].test if problems else ""
    raise Failure(
        f"{len(problems)} of {total} hidden tests of {subject} fail: {first}" if problems
        else f"the hidden test classes of {subject} ran no test",
        expected=f"every test of {', '.join(classes)} passes",
        actual="\n".join(shown) or None,
        hint=hint,
        reproduce=reproduce_line(ctx, f"{PACKAGE}.{first}") if first else reproduce_all)


def reproduce_line(ctx: CheckContext, tests: str) -> str:
    """Copy the hidden tests in and run these (Class, Class#method, or a comma-separated list)."""
    hidden = lab_hidden(ctx) / PACKAGE
    return (f"mkdir -p {TEST_ROOT} && cp -r {shlex.quote(str(hidden))} {TEST_ROOT}/ && "
            f"mvn -B -Dtest={shlex.quote(tests)} test")


def error_lines(output: str, most: int = ERROR_LINES) -> str:
    """Maven's [ERROR] lines that say something (compiler errors with their file and line)."""
    plain = _ANSI.sub("", output)
    kept = [line.strip() for line in plain.splitlines() if line.startswith("[ERROR]") and not _NOISE.match(line)]
    # Maven prints each compiler error twice: as javac reports it, and again in the build's summary.
    return "\n".join(list(dict.fromkeys(kept))[:most])


def tail(output: str, lines: int = 15) -> str:
    return "\n".join(_ANSI.sub("", output).strip().splitlines()[-lines:])
