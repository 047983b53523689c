"""The example GitHub Actions workflows: well-formed YAML, shards that add up, and harness
commands that the real argument parser accepts."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.catalog import Catalog
from harness.cli import build_parser
from harness.grading.shards import parse_shard

CI = Path(__file__).resolve().parents[3] / "docs" / "ci"
WORKFLOWS = sorted(CI.glob("github-grading*.yml"))  # github-check.yml: tests/unit/reporters/test_github.py


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def _harness_commands(job: dict[str, Any], env: dict[str, str], shard: int) -> list[list[str]]:
    commands = []
    for step in job["steps"]:
        text = " ".join(str(step.get("run", "")).split())
        if "harness grade" not in text:
            continue
        text = text[text.index("harness grade"):].replace("${{ matrix.shard }}", str(shard))
        for name, value in env.items():
            text = text.replace(f"${name}", value)
        commands.append(shlex.split(text.split("&&")[0])[1:])
    return commands


def test_there_are_workflows_and_none_runs_in_this_repository() -> None:
    assert [p.name for p in WORKFLOWS] == ["github-grading-external.yml", "github-grading.yml"]
    assert not (CI.parents[1] / ".github" / "workflows" / "grade-example.yml").exists()


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_shards_then_merge(path: Path) -> None:
    data = _load(path)
    jobs = data["jobs"]
    shards = jobs["grade"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))
    assert jobs["grade"]["strategy"]["fail-fast"] is False
    assert jobs["merge"]["needs"] == "grade" and jobs["merge"]["if"] == "always()"
    env = {"LAB": "node/week-18", "HARNESS_VERSION": "0.1.0"}
    catalog = Catalog.load()
    for shard in shards:
        (command,) = _harness_commands(jobs["grade"], env, shard)
        args = build_parser().parse_args(command)
        assert parse_shard(args.shard).total == len(shards) and args.out == f"grades-{shard}"
        assert catalog.resolve(args.lab, None).available
    (merge,) = _harness_commands(jobs["merge"], env, 0)
    args = build_parser().parse_args(merge)
    assert args.merge == ["grades-*/"] and args.out == "final"
    uploads = [s["with"]["name"] for s in jobs["grade"]["steps"] if "upload-artifact" in s.get("uses", "")]
    downloads = [s["with"]["pattern"] for s in jobs["merge"]["steps"] if "download-artifact" in s.get("uses", "")]
    assert uploads == ["grades-${{ matrix.shard }}"] and downloads == ["grades-*"]


def test_local_mode_runs_as_root_with_user_namespaces_allowed() -> None:
    text = (CI / "github-grading.yml").read_text()
    assert "sudo -E env \"PATH=$PATH\" harness grade" in text
    assert "kernel.apparmor_restrict_unprivileged_userns=0" in text and "bubblewrap" in text


def test_external_mode_says_it_is_not_isolated() -> None:
    data = _load(CI / "github-grading-external.yml")
    assert set(data["jobs"]["grade"]["services"]) == {"postgres", "redis"}
    assert "NOT NETWORK-ISOLATED" in (CI / "github-grading-external.yml").read_text()
    (command,) = _harness_commands(data["jobs"]["grade"], {"LAB": "node/week-18"}, 1)
    args = build_parser().parse_args(command)
    assert (args.services, args.jobs) == ("external", 1) and args.postgres_url.startswith("postgresql://")
