"""The migrate command runs a second time, on the database it migrated, only when a check of
the run reads that second run (db.migrations.versioned): every other run migrates once."""

from __future__ import annotations

from pathlib import Path

from tests.support.projects import harness, materialize


def test_the_migrations_run_twice_only_for_the_check_that_reads_the_second_run(tmp_path: Path) -> None:
    project = materialize("node", "week-18", tmp_path / "project")
    once = harness("check", "node/week-18", "--project", str(project), "--services", "local",
                   "--only", "db.sql.parameterized")
    assert once.code == 0, once.explain()
    assert "migrating: " in once.stdout and "run 2 of 2" not in once.stdout, once.explain()
    twice = harness("check", "node/week-18", "--project", str(project), "--services", "local",
                    "--only", "db.migrations.versioned", "--only", "db.sql.parameterized")
    assert twice.code == 0, twice.explain()
    assert "migrating (run 2 of 2)" in twice.stdout, twice.explain()
