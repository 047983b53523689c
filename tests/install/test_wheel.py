"""The install a newcomer gets: a wheel built from this checkout, installed (not editable) into a
clean virtualenv, runs `harness labs`, `harness start` and a `harness check` from outside the
checkout, so the labs, the validators, the report templates and the entry points all come from the wheel.

The wheel's dependencies come from a wheelhouse built once per dependency list (from the package
index, into ~/.cache/harness) and installed with --no-index: a run after the first needs no network
and spends its time installing, not downloading.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.locks import machine_lock
from tests.support.projects import ROOT, materialize

pytestmark = pytest.mark.slow


def _run(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, f"{proc.args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _wheelhouse(wheel: Path) -> Path:
    """Every dependency of the wheel as a wheel, in a folder named after the dependency list."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    key = hashlib.sha1("\n".join([project["requires-python"], *project["dependencies"]]).encode()).hexdigest()[:12]
    house = Path.home() / ".cache" / "harness" / f"test-wheelhouse-{key}"
    with machine_lock("wheelhouse"):
        done = house / ".complete"
        if not done.exists():
            _ok(_run([sys.executable, "-m", "pip", "wheel", "-q", "-w", str(house), str(wheel)], cwd=ROOT, timeout=900))
            (house / wheel.name).unlink(missing_ok=True)  # the harness itself is built fresh each run
            done.touch()
    return house


def test_a_built_wheel_installs_into_a_clean_venv_and_runs_the_labs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _ok(_run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)], cwd=ROOT))
    (wheel,) = dist.glob("backend_lab_harness-*.whl")
    house = _wheelhouse(wheel)

    venv = tmp_path / "venv"
    # A venv without pip of its own (as uv makes them), filled by this pip (--python); no bytecode
    # compiled ahead: the two take three quarters of the time otherwise, and prove nothing.
    _ok(_run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path))
    _ok(_run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-compile",
              "--no-index", "--find-links", str(house), str(wheel)], cwd=tmp_path, timeout=600))

    # Nothing of this checkout or of the test's own virtualenv on the way.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    # The venv stays off PATH, as with uv tool install: the lab's own install finds the machine's
    # python3 (and so the install it already made, ~/.cache/harness/deps), not the harness's.
    env["NO_COLOR"] = "1"
    harness = str(venv / "bin" / "harness")
    imported = "import harness, harness.validators as v; print(harness.__file__); print(v.__file__)"
    where = _ok(_run([str(venv / "bin" / "python"), "-c", imported], cwd=tmp_path, env=env)).split()
    site = str(venv / "lib")
    assert all(path.startswith(site) for path in where), f"imported from outside the venv: {where}"

    labs = _ok(_run([harness, "labs"], cwd=tmp_path, env=env))
    assert "python/week-07" in labs and "node/week-18" in labs, labs

    _ok(_run([harness, "start", "python/week-07", "--dir", "shelf"], cwd=tmp_path, env=env))
    started = tmp_path / "shelf"
    assert (started / "harness.toml").is_file() and (started / "requirements.txt").is_file(), \
        sorted(p.name for p in started.iterdir())

    project = materialize("python", "week-07", tmp_path / "reference")
    results, page = tmp_path / "results.json", tmp_path / "report.html"
    run = _run([harness, "check", "python/week-07", "--project", str(project), "--services", "local",
                "--only", "rest.versioning.url_prefix", "--json", str(results), "--html", str(page)],
               cwd=tmp_path, env=env, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    statuses = {t["id"]: t["status"] for t in json.loads(results.read_text())["tests"]}
    assert statuses == {"rest.versioning.url_prefix": "pass"}, statuses
    # The report's templates came with the wheel (package data, not this checkout).
    assert 'id="rest.versioning.url_prefix"' in page.read_text(), page.read_text()[:2000]
