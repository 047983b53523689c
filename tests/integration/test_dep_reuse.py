"""A re-check skips an install whose inputs did not change, through the real CLI and npm."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.projects import harness, materialize

pytestmark = pytest.mark.slow


def _check(project: Path, cache: Path, *extra: str) -> str:
    run = harness("check", "week-18", "--project", str(project), "--services", "local",
                  "--only", "db.migrations.versioned", *extra, env={"XDG_CACHE_HOME": str(cache)})
    assert run.code == 0, run.explain()
    return run.stdout


def test_a_recheck_reuses_the_install_until_an_input_changes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    project = materialize("node", "week-18", tmp_path / "shelf")
    assert "installing: npm ci" in _check(project, cache)
    again = _check(project, cache)
    assert "install skipped: package-lock.json unchanged since the last successful install" in again
    assert "installing:" not in again
    assert "installing: npm ci" in _check(project, cache, "--reinstall")
    lock = project / "package-lock.json"
    lock.write_text(lock.read_text() + "\n")  # the same dependencies, other bytes: an input changed
    assert "installing: npm ci" in _check(project, cache)
    other = materialize("node", "week-18", tmp_path / "other")
    (other / "package-lock.json").write_text(lock.read_text())
    copied = _check(other, cache)
    assert "were copied from the cache (node_modules" in copied and "installing:" not in copied
    # An install that also builds runs on every check, and says why where moving the build helps.
    toml = other / "harness.toml"
    toml.write_text(toml.read_text().replace('install = "npm ci --no-audit --no-fund"',
                                             'install = "npm ci --no-audit --no-fund && echo built > build.txt"'))
    for _ in range(2):
        built = _check(other, cache)
        assert "installing: npm ci" in built
        assert "this install runs on every check: the install also writes build.txt, outside the dependency " \
               "folders (a build step belongs in [app] build" in built, built
