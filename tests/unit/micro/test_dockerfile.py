"""micro.docker.builds reads a Dockerfile as Docker does: continuations, stages, exec form."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.outcomes import Failure, Skip
from harness.services import users
from harness.validators.micro import docker
from harness.validators.micro.docker import parse, problems

GOOD = """\
# syntax=docker/dockerfile:1
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci \\
    --omit=dev
FROM node:20-slim
COPY --from=deps /app/node_modules node_modules
CMD ["node", "gateway/src/server.js"]
"""


def test_a_pinned_multi_stage_file_in_exec_form_reads_well() -> None:
    dockerfile = parse("gateway/Dockerfile", GOOD)
    assert problems(dockerfile) == []
    assert dockerfile.base_images() == ["node:20-slim", "node:20-slim"]
    assert ("RUN", "npm ci      --omit=dev") in dockerfile.instructions


def test_a_later_stage_built_from_an_earlier_one_needs_no_image() -> None:
    text = "FROM node:20-slim AS build\nRUN true\nFROM build\nCMD [\"node\", \"x.js\"]\n"
    assert parse("Dockerfile", text).base_images() == ["node:20-slim"]


def test_shell_form_latest_and_no_command_are_each_named() -> None:
    shell = problems(parse("Dockerfile", "FROM node:20-slim\nCMD node server.js\n"))
    assert len(shell) == 1 and 'exec form CMD ["node", "server.js"]' in shell[0]
    assert any("latest" in p for p in problems(parse("Dockerfile", "FROM node\nCMD [\"node\"]\n")))
    assert any("latest" in p for p in problems(parse("Dockerfile", "FROM node:latest\nCMD [\"node\"]\n")))
    assert any("no CMD" in p for p in problems(parse("Dockerfile", "FROM node:20\nRUN true\n")))


def test_only_the_last_stage_starts_the_image() -> None:
    text = "FROM node:20 AS a\nCMD [\"node\", \"a.js\"]\nFROM node:20\nRUN true\n"
    assert any("last stage has no CMD" in p for p in problems(parse("Dockerfile", text)))


def test_a_digest_pins_too() -> None:
    text = "FROM node@sha256:" + "a" * 64 + "\nENTRYPOINT [\"node\", \"s.js\"]\n"
    assert problems(parse("Dockerfile", text)) == []


def _ctx(project: Path) -> SimpleNamespace:
    params = {"dockerfiles": "gateway/Dockerfile", "context": "."}
    return SimpleNamespace(app=SimpleNamespace(project_dir=project), run_id="r1", param=params.__getitem__)


def _project(tmp_path: Path) -> Path:
    (tmp_path / "gateway").mkdir(parents=True)
    (tmp_path / "gateway" / "Dockerfile").write_text(GOOD)
    return tmp_path


def test_grading_builds_no_image_even_where_an_engine_and_the_base_image_are(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(users.SERVICE_UID_ENV, "12345")
    monkeypatch.setattr(docker, "engine_problem", lambda: None)
    monkeypatch.setattr(docker, "base_image_problem", lambda image: None)

    def no_build(argv: list[str], timeout_s: float) -> None:
        raise AssertionError(f"docker {' '.join(argv)} ran while grading")

    monkeypatch.setattr(docker, "_docker", no_build)
    with pytest.raises(Skip, match=r"grades a submission.*outside its jail"):
        docker.each_service_has_an_image(_ctx(_project(tmp_path)))  # type: ignore[arg-type]


def test_a_dockerfile_that_is_a_link_is_not_read(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    secret = tmp_path / "elsewhere"
    secret.write_text(GOOD)
    (project / "gateway" / "Dockerfile").unlink()
    (project / "gateway" / "Dockerfile").symlink_to(secret)
    with pytest.raises(Failure, match="no gateway/Dockerfile in the project"):
        docker.each_service_has_an_image(_ctx(project))  # type: ignore[arg-type]


def test_a_base_image_named_by_a_build_argument_is_judged_by_its_default() -> None:
    pinned = parse("Dockerfile", 'ARG NODE=20-slim\nFROM node:${NODE}\nCMD ["node", "server.js"]\n')
    assert problems(pinned) == []
    latest = parse("Dockerfile", 'ARG JRE=latest\nFROM eclipse-temurin:${JRE}\nCMD ["java", "-jar", "app.jar"]\n')
    assert any("eclipse-temurin:latest by its ARG's default" in p for p in problems(latest)), problems(latest)
    unset = parse("Dockerfile", 'ARG IMAGE\nFROM $IMAGE\nCMD ["node", "server.js"]\n')
    assert any("no default" in p for p in problems(unset)), problems(unset)
