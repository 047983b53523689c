"""The Gradescope autograder zip, run as Gradescope would run it, against a fake /autograder
tree (HARNESS_AUTOGRADER_ROOT): results.json for a real submission, and results.json
when the harness itself crashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.grading.support import LAB, grade, grading_alone, leftovers
from tests.support.projects import materialize

pytestmark = pytest.mark.slow


def _autograder(tmp_path: Path) -> Path:
    made = grade("--gradescope-bundle", LAB, "--points", "db.sql.parameterized=5", out=tmp_path / "autograder.zip")
    assert made.code == 0, made.explain()
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        archive.extractall(root / "source")
    (root / "results").mkdir()
    return root


def _run(root: Path, **env: str) -> dict[str, object]:
    script = root / "source" / "run_autograder"
    proc = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "HARNESS_AUTOGRADER_ROOT": str(root), "NO_COLOR": "1", **env})
    assert proc.returncode == 0, "run_autograder always exits 0:\n" + proc.stdout + proc.stderr
    data: dict[str, object] = json.loads((root / "results" / "results.json").read_text())
    return data


@grading_alone()
def test_run_autograder_grades_a_nested_upload(tmp_path: Path, warm_home: Path) -> None:
    root = _autograder(tmp_path)
    materialize("node", "week-18", root / "submission" / "shelf-main")  # uploaded as a folder in a zip
    wrapper = tmp_path / "harness"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -m harness.cli "$@"\n')
    wrapper.chmod(0o755)
    before = leftovers()
    data = _run(root, HARNESS_BIN=str(wrapper),
                HARNESS_GRADE_ARGS=f"--home-template {warm_home} --seed 3")
    assert data["score"] == 21.0, json.dumps(data, indent=2)[:3000]
    tests = data["tests"]
    assert isinstance(tests, list) and len(tests) == 8
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in tests)
    assert {t["name"]: t["max_score"] for t in tests}["User input never changes the shape of a SQL statement. "
                                                       "(db.sql.parameterized)"] == 5.0
    assert data["stdout_visibility"] == "hidden" and isinstance(data["execution_time"], int)
    assert leftovers(before) == []


def test_run_autograder_writes_results_when_the_harness_crashes(tmp_path: Path) -> None:
    root = _autograder(tmp_path)
    (root / "submission").mkdir()
    data = _run(root, HARNESS_BIN="/bin/false")
    assert data["score"] == 0 and data["tests"] == []
    assert "could not grade this submission (harness exit 1)" in str(data["output"])
