"""A conf.d the server cannot start with (real PostgreSQL): pg.config.starts fails with the
server's last log lines naming the line, the other checks are skipped, never passed; a key the
harness keeps is refused before any server starts. These are the cases a defect overlay cannot
prove (tests/integration/test_labs.py wants every other check to pass)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.outcomes import Failure, Passed, Skip
from tests.support.projects import materialize
from tests.unit.postgres.direct import run_check

_run = run_check


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    return materialize("postgres", "week-01", tmp_path / "reference")


def _edit(project: Path, find: str, replace: str) -> None:
    conf = project / "conf.d" / "10-lab.conf"
    text = conf.read_text()
    assert text.count(find) == 1
    conf.write_text(text.replace(find, replace))


def test_a_misspelled_key_fails_starts_with_the_log_and_skips_the_rest(reference: Path) -> None:
    _edit(reference, "effective_cache_size = 12GB", "effective_cache_sise = 12GB")
    starts = _run("pg.config.starts", reference)
    assert isinstance(starts, Failure) and "does not start" in starts.message
    assert starts.evidence is not None
    assert 'unrecognized configuration parameter "effective_cache_sise"' in starts.evidence
    skipped = _run("pg.config.memory", reference)
    assert isinstance(skipped, Skip) and "pg.config.starts" in skipped.reason


def test_a_kept_key_is_refused_by_name_and_reason(reference: Path) -> None:
    _edit(reference, "max_connections = 200", "max_connections = 200\nport = 5433")
    starts = _run("pg.config.starts", reference)
    assert isinstance(starts, Failure)
    assert "conf.d/10-lab.conf line 7 sets port" in starts.message and "free port" in starts.message
    assert isinstance(_run("pg.config.ssd", reference), Skip)


def test_memory_sized_for_16gb_starts_here(reference: Path) -> None:
    """The reference's 4GB of shared_buffers start here: shared memory is charged as it is used."""
    assert isinstance(_run("pg.config.starts", reference), Passed)
