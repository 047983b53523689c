"""The pytest plugin as a team runs it: the README's example (tests/plugin/example) in a pytest of
its own, with a lab's checks as items, against python/week-07's reference (everything passes) and
against one of its defect overlays (that check fails, with a readable report and valid JUnit XML)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.support.projects import materialize

EXAMPLE = Path(__file__).parent / "example" / "test_example.py"
LAB = "python/week-07"
DEFECT = "rest.errors.problem_json"
CHECKS = {"rest.shelf.contract", "rest.errors.problem_json", "rest.methods.not_allowed",
          "rest.versioning.url_prefix", "rest.query.filter_sort", "rest.pagination.cursor"}


def _pytest(folder: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m pytest` in a folder of its own (its own rootdir, none of this repository's settings)."""
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(folder),
            "--harness-project", str(project), "--harness-lab", LAB, "--harness-services", "local", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}  # not this run's xdist worker
    return subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=600, env=env)


def _cases(junit: Path) -> dict[str, str]:
    """name -> passed/failure/skipped/error, from the JUnit XML (parsed strictly)."""
    cases = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        outcome = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        cases[case.get("name", "")] = outcome
    return cases


@pytest.mark.slow
def test_the_example_and_the_labs_checks_pass_on_the_reference_and_one_fails_on_its_defect(tmp_path: Path) -> None:
    reference = materialize("python", "week-07", tmp_path / "reference")
    (tmp_path / "good").mkdir()
    # Under xdist, as a team's CI may run it: the lab's checks on one worker (--dist loadscope).
    run = _pytest(tmp_path / "good", reference, "-n", "2", "--dist", "loadscope",
                  "--junitxml", str(tmp_path / "good.xml"))
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "2 workers [9 items]" in out, out  # the example's three tests and the lab's six checks
    assert "9 passed" in out, out
    assert _cases(tmp_path / "good.xml") == {name: "passed" for name in CHECKS | {
        "test_the_app_lists_books", "test_the_probe_sees_what_reached_the_database",
        "test_redis_is_empty_for_each_test"}}

    broken = materialize("python", "week-07", tmp_path / "defect", DEFECT)
    (tmp_path / "bad").mkdir()
    # -k as people use it: only the lab's checks (by the marker-like keyword of their node ids).
    run = _pytest(tmp_path / "bad", broken, "-k", "harness", "--junitxml", str(tmp_path / "bad.xml"))
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "1 failed, 5 passed, 3 deselected" in out, out
    assert _cases(tmp_path / "bad.xml") == {name: "failure" if name == DEFECT else "passed" for name in CHECKS}
    # The report says what the terminal report of `harness check` says, with no traceback of the plugin.
    assert f"FAILED harness:{LAB}::{DEFECT} - malformed JSON" in out, out
    for field in ("expected: status 400", "fix: Malformed JSON is 400", "reproduce: curl -i -X POST"):
        assert field in out, out
    assert "Traceback" not in out and "harness/pytest_plugin" not in out, out


def test_without_its_options_the_plugin_changes_nothing(tmp_path: Path) -> None:
    """Installed with the harness, the plugin loads in every pytest run of that environment: there it
    imports nothing of the engine, collects nothing and adds no marker until asked."""
    imported = subprocess.run([sys.executable, "-c", "import sys, harness.pytest_plugin; print(sorted(m for m in "
                               "sys.modules if m.startswith('harness.') and m != 'harness.pytest_plugin'))"],
                              capture_output=True, text=True, check=True, cwd=tmp_path)
    assert imported.stdout.strip() == "[]", imported.stdout
    (tmp_path / "test_one.py").write_text("def test_one():\n    pass\n")
    base = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(tmp_path)]
    runs = {plugin: subprocess.run([*base, *flags], cwd=tmp_path, capture_output=True, text=True, timeout=120)
            for plugin, flags in {"on": ["--collect-only", "-q"], "off": ["-p", "no:harness", "--collect-only", "-q"],
                                  "markers": ["--markers"]}.items()}
    assert runs["on"].stdout.splitlines()[:2] == runs["off"].stdout.splitlines()[:2] == \
        ["test_one.py::test_one", ""], runs["on"].stdout
    assert "harness" not in runs["markers"].stdout
