"""A project whose own tests fail: the report names the failing test and its error, not the coverage table."""

from __future__ import annotations

from pathlib import Path

from tests.support.projects import harness, materialize

FAILING = """'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
test('the write limiter lets 100 writes through', () => { assert.equal(105, 100); });
"""


def test_failing_project_tests_are_named(tmp_path: Path) -> None:
    project = materialize("backend", "production", tmp_path / "project")
    (project / "tests" / "unit" / "limit.test.js").write_text(FAILING)
    run = harness("check", "production", "--project", str(project), "--services", "local",
                  "--only", "prod.tests.coverage")
    assert run.code == 1, run.explain()
    assert "your tests fail on the code as shipped: the write limiter lets 100 writes through" in run.stdout, \
        run.explain()
    assert "1 failing test:" in run.stdout, run.explain()
    assert "✗ the write limiter lets 100 writes through" in run.stdout, run.explain()
    assert "limit.test.js:4:1" in run.stdout and "105 !== 100" in run.stdout, run.explain()


def test_the_suite_runs_as_often_as_the_runs_checks_read_it(tmp_path: Path) -> None:
    # One seeded bug's check reads the first run and the run against that bug, not a second run.
    project = materialize("python", "week-18", tmp_path / "testing")
    run = harness("check", "week-18", "--track", "python", "--project", str(project), "--services", "local",
                  "--only", "testing.catches.page_limit")
    assert run.code == 0, run.explain()
    assert run.results is not None
    assert {"tests", "tests_against_bugs"} <= set(run.results["timings_s"]), run.explain()
    assert "tests_repeated" not in run.results["timings_s"], run.explain()
    assert "not run again: no check of this run reads a second run" in run.stdout, run.explain()
    # A check that reads no test run: the capstone's suite is not run at all.
    project = materialize("backend", "production", tmp_path / "capstone")
    run = harness("check", "production", "--project", str(project), "--services", "local",
                  "--only", "prod.ci.pipeline")
    assert run.code == 0, run.explain()
    assert run.results is not None and "tests" not in run.results["timings_s"], run.explain()
    assert "the project's tests are not run: no check of this run reads them" in run.stdout, run.explain()


def test_a_rerun_command_that_cannot_run_catches_no_seeded_bug(tmp_path: Path) -> None:
    # The bugs run [tests] rerun. One that fails on the shipped code (a file that is not there,
    # after a change of runner) failed with every bug too, and each counted as caught.
    project = materialize("node", "week-24", tmp_path / "testing")
    manifest = project / "harness.toml"
    assert 'rerun = "node tests/run.js"' in manifest.read_text()
    manifest.write_text(manifest.read_text().replace('rerun = "node tests/run.js"', 'rerun = "node tests/gone.js"'))
    run = harness("check", "week-24", "--track", "node", "--project", str(project), "--services", "local",
                  "--only", "testing.catches.page_limit")
    assert run.code == 1, run.explain()
    assert run.statuses() == {"testing.catches.page_limit": "fail"}, run.explain()
    assert "not judged: the command the bugs run ([tests] rerun: node tests/gone.js) fails on the code as shipped" \
        in run.stdout, run.explain()
