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
