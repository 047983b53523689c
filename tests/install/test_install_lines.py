"""One way to install, everywhere it is written: the README, the GitHub Actions workflows of
docs/ci and the Gradescope bundle's setup.sh all install a wheel of the harness with
`uv tool install` on Python 3.11 or newer, and say so plainly when the Python is older."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.catalog import Catalog
from harness.grading.bundle import build
from harness.grading.policy import Policy
from tests.support.projects import ROOT

WORKFLOWS = sorted((ROOT / "docs" / "ci").glob("*.yml"))
INSTALL = "uv tool install --python '>=3.11' \"$HARNESS_WHEEL\""
VERSION_ERROR = "the harness needs Python 3.11 or newer"
_USES = re.compile(r"(^|\s)harness (check|grade|labs|start|doctor|bench)\b")


def test_the_readme_installs_from_a_checkout_or_a_wheel_into_an_environment_of_its_own() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "uv tool install .  " in readme and "pipx install ." in readme
    assert "pip wheel . --no-deps -w dist" in readme
    assert "pip install backend-lab-harness" not in readme, "the distribution is on no package index"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_each_workflow_installs_the_wheel_before_it_runs_the_harness(path: Path, tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    assert data["env"]["HARNESS_WHEEL"].endswith("-py3-none-any.whl")
    for name, job in data["jobs"].items():
        steps = job["steps"]
        runs = [str(step.get("run", "")) for step in steps]
        installs = [i for i, step in enumerate(steps) if step.get("name") == "Install the harness"]
        first_use = next(i for i, run in enumerate(runs) if _USES.search(run))
        assert len(installs) == 1 and installs[0] < first_use, f"{name}: install the harness before using it"
        script = runs[installs[0]]
        assert INSTALL in script and VERSION_ERROR in script and "GITHUB_PATH" in script, script
        assert any("actions/checkout" in str(step.get("uses", "")) for step in steps[:installs[0]]), \
            f"{name}: a committed HARNESS_WHEEL needs the repository checked out first"
        (tmp_path / "step.sh").write_text(script)
        subprocess.run(["bash", "-n", str(tmp_path / "step.sh")], check=True)


def test_the_gradescope_setup_installs_the_same_way(tmp_path: Path) -> None:
    lab = Catalog.load().resolve("python/week-07", None)
    wheel = tmp_path / "backend_lab_harness-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    build(lab, Policy(), tmp_path / "autograder.zip", wheel=wheel)
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        setup = archive.read("setup.sh").decode()
    assert f"uv tool install --force --python '>=3.11' /autograder/source/{wheel.name}" in setup
    assert VERSION_ERROR in setup
