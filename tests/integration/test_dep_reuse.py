"""A re-check skips an install whose inputs did not change, and two runs that miss the cache at
once install once, through the real CLI and npm."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.projects import ROOT, harness, materialize
from tests.support.waiting import wait_for

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


def test_two_checks_that_miss_the_cache_at_once_install_once(tmp_path: Path) -> None:
    """The second run waits for the first one's install and copies it: it never installs the
    same dependencies side by side (the proof suite starts a lab's projects at once)."""
    cache, go = tmp_path / "cache", tmp_path / "go"
    projects = [materialize("node", "week-18", tmp_path / name) for name in ("first", "second")]
    for project in projects:  # the same install command for both: it waits for the test's word
        toml = project / "harness.toml"
        gated = f'install = "until [ -e {go} ]; do sleep 0.1; done; npm ci'
        toml.write_text(toml.read_text().replace('install = "npm ci', gated))
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(cache)}
    runs: list[subprocess.Popen[bytes]] = []
    try:
        for project in projects:
            with (tmp_path / f"{project.name}.out").open("w") as out:
                runs.append(subprocess.Popen(
                    [sys.executable, "-m", "harness.cli", "check", "week-18", "--project", str(project),
                     "--services", "local", "--only", "db.migrations.versioned"],
                    stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT))
            # The first holds the key's install (waiting for `go`) before the second starts.
            wait_for(f"{project.name} installing or waiting", lambda p=project: "installing: " in _output(tmp_path, p)
                     or "waiting for another run's install" in _output(tmp_path, p))
    finally:
        go.touch()
        codes = [proc.wait(timeout=600) for proc in runs]
    assert codes == [0, 0], [_output(tmp_path, p) for p in projects]
    first, second = (_output(tmp_path, p) for p in projects)
    assert "installing: " in first and "waiting for another run's install" not in first, first
    assert "waiting for another run's install of the same dependencies" in second, second
    assert "were copied from the cache (node_modules" in second and "installing:" not in second, second


def _output(tmp_path: Path, project: Path) -> str:
    return (tmp_path / f"{project.name}.out").read_text()
