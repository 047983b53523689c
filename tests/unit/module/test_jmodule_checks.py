"""The java module lab's checks (validators/jmodule/): Surefire's XML reports read into failing
tests and their messages, read as root without following the submission's links, and one Maven
run shared by the checks of a run. Maven itself runs in tests/integration/test_labs.py; here a
project stand-in writes the reports a run would."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest

from harness.context import CheckContext
from harness.outcomes import Failure, Passed
from harness.runs import ProjectRun
from harness.validators.jmodule import maven_suite
from harness.validators.jmodule.maven_suite import error_lines, judge, maven_command, reproduce_line
from harness.validators.jmodule.surefire import parse_report, read_report
from harness.validators.module.hidden_files import COPY_MARKER, placed_in

REPORT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0.2"
  name="shelfgrading.TagTest" time="0.02" tests="4" errors="1" skipped="1" failures="1">
  <properties><property name="java.version" value="17"/></properties>
  <testcase name="keepsItsSpellingStripped" classname="shelfgrading.TagTest" time="0.001"/>
  <testcase name="equalIgnoringCase" classname="shelfgrading.TagTest" time="0.001">
    <error message="TODO: Tag.of" type="java.lang.UnsupportedOperationException"><![CDATA[
java.lang.UnsupportedOperationException: TODO: Tag.of
	at dev.shelf.core.Tag.of(Tag.java:12)
]]></error>
  </testcase>
  <testcase name="equalTagsHaveEqualHashCodes" classname="shelfgrading.TagTest" time="0.0">
    <failure type="org.opentest4j.AssertionFailedError"><![CDATA[
org.opentest4j.AssertionFailedError: expected: <2> but was: <3>
	at shelfgrading.TagTest.equalTagsHaveEqualHashCodes(TagTest.java:44)
]]></failure>
  </testcase>
  <testcase name="refusesBlankNames" classname="shelfgrading.TagTest" time="0.0"><skipped message="off"/></testcase>
</testsuite>
"""


def _report(name: str, failing: Sequence[str] = ()) -> str:
    cases = "".join(
        f'<testcase name="{test}" classname="shelfgrading.{name}">'
        + (f'<failure message="{test} broke" type="org.opentest4j.AssertionFailedError"/>' if test in failing else "")
        + "</testcase>" for test in ("one", "two"))
    return f'<testsuite name="shelfgrading.{name}" tests="2">{cases}</testsuite>'


def test_a_report_names_each_failing_error_and_skipped_test_with_its_message() -> None:
    report = parse_report(REPORT)
    assert (report.name, report.tests, report.passed) == ("shelfgrading.TagTest", 4, False)
    assert [(p.test, p.kind, p.message) for p in report.problems] == [
        ("TagTest#equalIgnoringCase", "error", "UnsupportedOperationException: TODO: Tag.of"),
        # No message attribute: the first line of the stack trace says what was expected.
        ("TagTest#equalTagsHaveEqualHashCodes", "failure",
         "org.opentest4j.AssertionFailedError: expected: <2> but was: <3>"),
        ("TagTest#refusesBlankNames", "skipped", "off"),  # a skipped hidden test is not a pass
    ]


def test_a_report_of_passing_tests_passes_and_an_empty_one_does_not() -> None:
    assert parse_report(_report("BookTest")).passed
    assert not parse_report('<testsuite name="shelfgrading.BookTest" tests="0"/>').passed


@pytest.mark.parametrize("text", ["not xml", "<testsuites/>"])
def test_what_is_not_a_surefire_report_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_report(text)


def test_a_report_is_read_from_a_plain_file_only(tmp_path: Path) -> None:
    assert read_report(tmp_path, "shelfgrading.BookTest") is None
    secret = tmp_path / "secret.xml"
    secret.write_text(_report("BookTest"))
    (tmp_path / "TEST-shelfgrading.BookTest.xml").symlink_to(secret)
    with pytest.raises(ValueError, match="cannot be read"):
        read_report(tmp_path, "shelfgrading.BookTest")
    os.mkfifo(tmp_path / "TEST-shelfgrading.TagTest.xml")  # opened without waiting for a writer
    with pytest.raises(ValueError, match="not a plain file"):
        read_report(tmp_path, "shelfgrading.TagTest")
    (tmp_path / "TEST-shelfgrading.PicksTest.xml").write_text(_report("PicksTest", ["two"]))
    found = read_report(tmp_path, "shelfgrading.PicksTest")
    assert found is not None and [p.test for p in found.problems] == ["PicksTest#two"]


def test_the_command_overrides_what_a_pom_could_use_to_skip_the_hidden_tests() -> None:
    command = maven_command(["BookTest", "TagTest"])
    assert command[0] == "mvn" and command[-1] == "test" and "-o" in command
    for flag in ("-DskipTests=false", "-Dmaven.test.skip=false", "-Dsurefire.failIfNoSpecifiedTests=true",
                 "-Dtest=shelfgrading.BookTest,shelfgrading.TagTest", "-Dmaven.test.failure.ignore=true"):
        assert flag in command


def test_only_the_compilers_errors_are_kept_from_mavens_output() -> None:
    output = ("\x1b[0m[INFO] Compiling 6 source files\n"
              "[ERROR] COMPILATION ERROR : \n"
              "[ERROR] /p/src/test/java/shelfgrading/PicksTest.java:[21,47] incompatible types: inference variable T\n"
              "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.14.1:testCompile\n"
              "[ERROR] -> [Help 1]\n[ERROR] \n")
    assert error_lines(output + output) == (
        "[ERROR] /p/src/test/java/shelfgrading/PicksTest.java:[21,47] incompatible types: inference variable T")


@dataclass
class _Project:
    """The app handle a check sees: run_command writes the reports its script says for each run."""

    project_dir: Path
    script: Callable[[list[str]], Mapping[str, str]]
    runs: list[list[str]] = field(default_factory=list)
    seen_sources: list[list[str]] = field(default_factory=list)
    refused_file: str = "/p/src/test/java/shelfgrading/PicksTest.java"  # what javac names when PicksTest is placed

    def run_command(self, argv: Sequence[str], *, timeout_s: float, env: Mapping[str, str] | None = None,
                    cwd: Path | None = None) -> ProjectRun:
        classes = [name.split(".", 1)[1] for name in argv[-2].removeprefix("-Dtest=").split(",")]
        self.runs.append(classes)
        placed = self.project_dir / "src/test/java/shelfgrading"
        self.seen_sources.append(sorted(path.name for path in placed.iterdir() if path.name != COPY_MARKER))
        reports = self.project_dir / "target/surefire-reports"
        reports.mkdir(parents=True, exist_ok=True)
        for name, text in self.script(classes).items():
            (reports / f"TEST-shelfgrading.{name}.xml").write_text(text)
        compiled = self.project_dir / "target/test-classes/shelfgrading"
        compiled.mkdir(parents=True, exist_ok=True)
        output = f"[ERROR] COMPILATION ERROR :\n[ERROR] {self.refused_file}:[21,47] incompatible types\n" * 2
        return ProjectRun("mvn", 0, output if "PicksTest" in classes else "", 1.0)


def _context(project: _Project, run_id: str) -> CheckContext:
    return CheckContext(http=cast(Any, None), app=cast(Any, project), run_id=run_id, seed=1, lab_id="java/week-01")


def test_one_maven_run_serves_every_check_of_a_run(tmp_path: Path) -> None:
    project = _Project(tmp_path, lambda classes: {name: _report(name, ["two"] if name == "LedgerTest" else [])
                                                   for name in classes})
    ctx = _context(project, "run-shared")
    assert isinstance(judge(ctx, ("BookTest", "TagTest"), "Book and Tag", hint="h"), Passed)
    with pytest.raises(Failure) as failed:
        judge(ctx, ("LedgerTest",), "Event and Ledger", hint="h")
    assert failed.value.message == "1 of 2 hidden tests of Event and Ledger fail: LedgerTest#two"
    assert failed.value.actual == "LedgerTest#two (failure): two broke"
    assert failed.value.reproduce is not None and failed.value.reproduce.endswith(
        "mvn -B -Dtest='shelfgrading.LedgerTest#two' test")
    assert len(project.runs) == 1 and "BookTest" in project.runs[0] and "LedgerTest" in project.runs[0]
    # The next round (check --repeat) judges a run of its own, again one for all its checks.
    judge(ctx, ("BookTest", "TagTest"), "Book and Tag", hint="h")
    judge(ctx, ("CatalogTest",), "Catalog", hint="h")
    assert len(project.runs) == 2
    # The hidden sources and their compiled classes are gone; the learner's folders were made for them only.
    assert not (tmp_path / "src").exists()
    assert not (tmp_path / "target/test-classes/shelfgrading").exists()


def test_a_class_that_does_not_compile_fails_only_its_own_check(tmp_path: Path) -> None:
    def script(classes: list[str]) -> dict[str, str]:
        if "PicksTest" in classes:  # one signature wrong: nothing compiles, no report at all
            return {}
        return {name: _report(name) for name in classes}
    project = _Project(tmp_path, script)
    ctx = _context(project, "run-compile")
    assert isinstance(judge(ctx, ("CatalogTest",), "Catalog", hint="h"), Passed)
    with pytest.raises(Failure) as failed:
        judge(ctx, ("ResultTest", "PicksTest"), "Result and Picks", hint="h")
    assert failed.value.message == "the hidden tests of Result and Picks do not compile with your code"
    assert failed.value.actual == "[ERROR] /p/src/test/java/shelfgrading/PicksTest.java:[21,47] incompatible types"
    assert failed.value.expected is not None and failed.value.expected.startswith("PicksTest.java compile")
    # The shared run, then one run of every class javac did not name, only their sources placed;
    # the check of the refused class is judged from the first run's errors.
    assert len(project.runs) == 2 and "PicksTest" in project.runs[0] and "CatalogTest" in project.runs[0]
    assert "PicksTest" not in project.runs[1] and "ResultTest" in project.runs[1]
    assert "PicksTest.java" not in project.seen_sources[1] and "CatalogTest.java" in project.seen_sources[1]


def test_an_error_in_the_learners_own_file_leaves_each_check_to_run_its_classes_alone(tmp_path: Path) -> None:
    def script(classes: list[str]) -> dict[str, str]:
        return {} if "PicksTest" in classes else {name: _report(name) for name in classes}
    # javac names a file of the learner's: which hidden class it stops is not known from the output.
    project = _Project(tmp_path, script, refused_file="/p/src/main/java/dev/shelf/core/Picks.java")
    ctx = _context(project, "run-compile-own")
    assert isinstance(judge(ctx, ("CatalogTest",), "Catalog", hint="h"), Passed)
    with pytest.raises(Failure) as failed:
        judge(ctx, ("ResultTest", "PicksTest"), "Result and Picks", hint="h")
    assert failed.value.message == "the hidden tests of Result and Picks do not compile with your code"
    assert project.runs[1:] == [["CatalogTest"], ["ResultTest", "PicksTest"]]
    assert project.seen_sources[1] == ["CatalogTest.java"]


def test_javac_errors_name_the_hidden_classes_or_nothing() -> None:
    hidden = "[ERROR] /p/src/test/java/shelfgrading/{}.java:[3,1] cannot find symbol\n"
    assert maven_suite.refused_classes(hidden.format("PicksTest") + hidden.format("ResultTest")) == {
        "PicksTest", "ResultTest"}
    own = "[ERROR] /p/src/main/java/dev/shelf/core/Picks.java:[3,1] cannot find symbol\n"
    assert maven_suite.refused_classes(hidden.format("PicksTest") + own) is None
    assert maven_suite.refused_classes("[ERROR] COMPILATION ERROR :\n") is None


def test_a_report_left_by_an_earlier_run_does_not_count(tmp_path: Path) -> None:
    reports = tmp_path / "target/surefire-reports"
    reports.mkdir(parents=True)
    (reports / "TEST-shelfgrading.CatalogTest.xml").write_text(_report("CatalogTest"))
    project = _Project(tmp_path, lambda _classes: {})  # the pom skips the tests: no report written
    with pytest.raises(Failure, match="did not run"):
        judge(_context(project, "run-stale"), ("CatalogTest",), "Catalog", hint="h")


def test_a_build_folder_that_is_a_link_is_not_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "surefire-reports").mkdir(parents=True)
    project_dir = tmp_path / "project"
    project_dir.mkdir()
    (project_dir / "target").symlink_to(elsewhere)
    project = _Project(project_dir, lambda classes: {})
    with pytest.raises(Failure, match="target is a link or a file"):
        judge(_context(project, "run-link"), ("CatalogTest",), "Catalog", hint="h")
    assert project.runs == []


def test_the_hidden_tests_are_not_written_through_a_linked_source_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    project_dir = tmp_path / "project"
    (project_dir / "src/test").mkdir(parents=True)
    (project_dir / "src/test/java").symlink_to(outside)
    ctx = _context(_Project(project_dir, lambda classes: {}), "run-placed")
    with pytest.raises(Failure, match="src/test/java is a link"), placed_in(ctx, "shelfgrading", Path("src/test/java")):
        pass
    assert list(outside.iterdir()) == []


def test_the_reproduce_line_copies_the_hidden_tests_in_and_runs_one() -> None:
    ctx = _context(_Project(Path("/p"), lambda classes: {}), "run-line")
    line = reproduce_line(ctx, "shelfgrading.BookTest#stripsTitleAndAuthor")
    assert line.startswith("mkdir -p src/test/java && cp -r ")
    assert "labs/java/week-01-core/hidden/shelfgrading src/test/java/ && " in line
    assert line.endswith("mvn -B -Dtest='shelfgrading.BookTest#stripsTitleAndAuthor' test")
    assert maven_suite.hidden_classes(ctx) == ["BookTest", "CatalogTest", "LedgerTest", "PicksTest",
                                               "ResultTest", "TagTest"]


def test_a_folder_of_the_learners_with_the_hidden_package_name_is_kept_and_named(tmp_path: Path) -> None:
    """A check never deletes the learner's files: their own src/test/java/shelfgrading stays, and
    the check says to rename it; a copy a killed run left (it carries the marker) is replaced."""
    project_dir = tmp_path / "project"
    mine = project_dir / "src/test/java/shelfgrading"
    mine.mkdir(parents=True)
    (mine / "MyTest.java").write_text("class MyTest {}")
    ctx = _context(_Project(project_dir, lambda classes: {}), "run-mine")
    with pytest.raises(Failure, match="src/test/java/shelfgrading is in your project"), \
            placed_in(ctx, "shelfgrading", Path("src/test/java")):
        pass
    assert (mine / "MyTest.java").read_text() == "class MyTest {}"

    (mine / "MyTest.java").unlink()
    (mine / COPY_MARKER).write_text("left by a killed run")
    with placed_in(ctx, "shelfgrading", Path("src/test/java")) as placed:
        assert (project_dir / placed / "BookTest.java").is_file()
    assert not mine.exists()
