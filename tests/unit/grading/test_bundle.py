"""The Gradescope autograder zip: what is in it, and that its files are well formed."""

from __future__ import annotations

import json
import stat
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest

from harness.catalog import Catalog
from harness.errors import UsageError
from harness.grading import bundle
from harness.grading.bundle import GRADESCOPE_LIMITS, build, policy_toml
from harness.grading.policy import Policy, parse_policy
from harness.limits import MB


def _lab() -> tuple[object, list[str]]:
    catalog = Catalog.load()
    lab = catalog.resolve("node/week-18", None)
    return lab, [e.id for e in lab.manifest().checks]


def test_bundle_holds_executable_scripts_and_the_policy(tmp_path: Path) -> None:
    lab, known = _lab()
    policy = Policy(points={"db.sql.parameterized": 5.0}, visibility={"db.pool.bounded": "after_due_date"})
    names = build(lab, policy, tmp_path / "autograder.zip")  # type: ignore[arg-type]
    assert names == ["README.txt", "grading.toml", "run_autograder", "setup.sh"]
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
        assert modes["run_autograder"] == 0o755 and modes["setup.sh"] == 0o755
        assert stat.S_ISREG(archive.getinfo("run_autograder").external_attr >> 16)
        archive.extractall(tmp_path / "source")
    for script in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(tmp_path / "source" / script)], check=True)
    run = (tmp_path / "source" / "run_autograder").read_text()
    assert "--lab node/week-18" in run and "HARNESS_AUTOGRADER_ROOT" in run and "--isolation auto" in run
    setup = (tmp_path / "source" / "setup.sh").read_text()
    assert "nodesource" in setup and "backend-lab-harness==" in setup
    # Installed as the README says (uv tool install), on a Python of 3.11 or newer, checked with a clear error.
    assert "uv tool install --force --python '>=3.11' backend-lab-harness==" in setup
    assert "needs Python 3.11 or newer" in setup
    data = tomllib.loads((tmp_path / "source" / "grading.toml").read_text())
    parsed = parse_policy(data, "grading.toml", known)
    assert parsed.points == policy.points and parsed.visibility == policy.visibility
    assert parsed.limits == GRADESCOPE_LIMITS, "tuned to Gradescope's 768 MB and half a CPU"


def test_instructor_limits_are_kept(tmp_path: Path) -> None:
    _, known = _lab()
    from dataclasses import replace

    policy = Policy(limits=replace(GRADESCOPE_LIMITS, memory_bytes=200 * MB, cpu_time_s=33.0))
    parsed = parse_policy(tomllib.loads(policy_toml(policy)), "grading.toml", known)
    assert parsed.limits == policy.limits


def test_a_wheel_ships_inside(tmp_path: Path) -> None:
    lab, _ = _lab()
    wheel = tmp_path / "backend_lab_harness-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    names = build(lab, Policy(), tmp_path / "a.zip", wheel=wheel)  # type: ignore[arg-type]
    assert wheel.name in names
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert f"/autograder/source/{wheel.name}" in archive.read("setup.sh").decode()


class _Installed:
    """What pip recorded about where the harness was installed from (direct_url.json)."""

    def __init__(self, url: str | None) -> None:
        self.url = url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return json.dumps({"url": self.url, "archive_info": {}}) if self.url else None


def test_the_bundle_ships_the_wheel_the_harness_was_installed_from(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = tmp_path / "backend_lab_harness-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    monkeypatch.setattr(bundle.metadata, "distribution", lambda _name: _Installed(wheel.as_uri()))
    assert bundle.own_wheel(tmp_path / "built") == wheel


def test_without_a_wheel_or_a_checkout_the_bundle_says_how_to_build_one(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle.metadata, "distribution", lambda _name: _Installed("https://example.org/x.whl"))
    monkeypatch.setattr(bundle, "__file__", str(tmp_path / "site-packages" / "harness" / "grading" / "bundle.py"))
    with pytest.raises(UsageError) as raised:
        bundle.own_wheel(tmp_path / "built")
    assert "pip wheel . --no-deps -w dist" in raised.value.fixes[0] and "--wheel dist/" in raised.value.fixes[0]
