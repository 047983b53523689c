"""A lab's own grading limits (lab.toml [grading]): under the policy and the flags, stated in
the lab's README, and shown next to what a submission used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.catalog import Catalog, Lab, load_manifest
from harness.durations import format_duration
from harness.errors import ConfigError
from harness.grading.bundle import GRADESCOPE_LIMITS, build
from harness.grading.policy import load_policy, parse_policy
from harness.grading.reports import finish
from harness.grading.verdicts import GRADED, Signals, name_verdict
from harness.limits import Limits, format_size, raise_hint

LAB = """services = ["postgres"]
[grading]
cpu_time = "8m"
wall_time = "20m"
[[checks]]
id = "prod.tests.coverage"
"""


def _manifest(tmp_path: Path, text: str = LAB) -> Path:
    path = tmp_path / "lab.toml"
    path.write_text(text)
    return path


def test_the_labs_limits_replace_the_defaults_it_names(tmp_path: Path) -> None:
    limits = load_manifest(_manifest(tmp_path)).limits
    assert (limits.cpu_time_s, limits.wall_time_s) == (480.0, 1200.0)
    assert limits.memory_bytes == Limits().memory_bytes, "what the lab does not name stays the default"


@pytest.mark.parametrize(("table", "words"), [('cpu = "8m"', "grading.cpu: unknown"),
                                               ('cpu_time = "soon"', "duration"),
                                               ("install = 3", "grading.install must be a table")])
def test_a_wrong_grading_table_names_the_key(tmp_path: Path, table: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        load_manifest(_manifest(tmp_path, LAB.replace('cpu_time = "8m"', table)))


def test_the_policy_and_the_flags_go_over_the_labs_limits(tmp_path: Path) -> None:
    manifest = load_manifest(_manifest(tmp_path))
    assert load_policy(None, manifest).limits == manifest.limits
    policy = tmp_path / "policy.toml"
    policy.write_text('[limits]\nmemory = "256MB"\n')
    limits = load_policy(policy, manifest).limits
    assert (limits.cpu_time_s, limits.memory_bytes) == (480.0, 256 * 2**20), "a policy key replaces only itself"
    policy.write_text('[limits]\ncpu_time = "3m"\n')
    assert load_policy(policy, manifest).limits.cpu_time_s == 180.0
    assert load_policy(policy, manifest, limits=["cpu_time=16m"]).limits.cpu_time_s == 960.0


def test_a_time_limit_verdict_names_the_flag_that_raises_it() -> None:
    limits = Limits(cpu_time_s=480.0, wall_time_s=12.0)
    assert name_verdict(Signals(cpu_exceeded={"run": True}), limits).text == \
        "CPU time limit (8.0 min) exceeded (--limit cpu_time=16m or limits.cpu_time in the policy)"
    assert raise_hint("wall_time", 12.0) == "--limit wall_time=24s or limits.wall_time in the policy"
    assert raise_hint("cpu_time", 90.0) == "--limit cpu_time=3m or limits.cpu_time in the policy"


@pytest.mark.parametrize("lab", [lab for lab in Catalog.load().labs if lab.available], ids=lambda lab: lab.id)
def test_each_labs_readme_states_its_grading_limits(lab: Lab) -> None:
    limits = lab.manifest().limits
    readme = (lab.folder / "README.md").read_text()
    assert "## Grading limits (instructors)" in readme
    section = " ".join(readme.split("## Grading limits (instructors)", 1)[1].split())
    assert f"CPU time {format_duration(limits.cpu_time_s)}" in section, "lab.toml [grading] and README agree"
    assert f"wall clock {format_duration(limits.wall_time_s)}" in section
    if limits.cpus != Limits().cpus:  # a lab that needs another CPU quota, or log, says so
        assert f"a quota of {limits.cpus:g} CPUs" in section
    if limits.log_bytes != Limits().log_bytes:
        assert f"{format_size(limits.log_bytes)} of log" in section


def test_the_cpu_time_used_is_shown_next_to_its_limit_when_it_passes(tmp_path: Path) -> None:
    results = {"lab": "node/week-24", "score": 10, "max_score": 10, "status": "pass", "seed": 1, "run_id": "g1",
               "tests": []}
    usage = {"install": {"cpu_s": 7.6, "memory_peak_mb": 350.0}, "run": {"cpu_s": 41.0, "memory_peak_mb": 141.5},
             "db": {"cpu_s": 4.5, "memory_peak_mb": 195.0}}
    limits = Limits(cpu_time_s=360.0, wall_time_s=1200.0)
    finish(tmp_path, "solved", results, GRADED, {}, 95.0, usage=usage, limits=limits)
    summary = (tmp_path / "summary.txt").read_text()
    assert "run: CPU time 41 s of 6.0 min, peak memory 141.5 MB of 512 MB" in summary
    assert "install: CPU time 7.6 s of 10.0 min" in summary
    assert "db: CPU time 4.5 s (counted in the run's), peak memory 195 MB of 2048 MB" in summary
    assert "95 s of 20.0 min (wall clock)" in summary
    record = json.loads((tmp_path / "verdict.json").read_text())
    assert record["usage"]["run"] == {"cpu_s": 41.0, "memory_peak_mb": 141.5, "cpu_limit_s": 360.0,
                                      "memory_limit_mb": 512.0}
    assert record["wall_time_limit_s"] == 1200.0


def test_a_gradescope_bundle_keeps_the_cpu_time_the_lab_needs(tmp_path: Path) -> None:
    import tomllib
    import zipfile

    lab = Catalog.load().resolve("node/week-24", None)
    manifest = lab.manifest()
    build(lab, load_policy(None, manifest), tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        data = tomllib.loads(archive.read("grading.toml").decode())
    limits = parse_policy(data, "grading.toml", [e.id for e in manifest.checks]).limits
    assert limits.cpu_time_s == manifest.limits.cpu_time_s > GRADESCOPE_LIMITS.cpu_time_s
    assert limits.memory_bytes == GRADESCOPE_LIMITS.memory_bytes, "Gradescope's sizes otherwise"
