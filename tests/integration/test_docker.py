"""The Docker path's own promises: never pull, say what is missing, clear errors with the
container's logs, Ryuk never hangs, doctor reports the engine and sweeps leftovers."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from harness.errors import EnvironmentProblem, ServiceError
from harness.proc.reaper import Reaper
from harness.services import provision
from harness.services.base import Mode, ServiceSettings
from tests.support.docker_env import REDIS_IMAGE, labelled_containers
from tests.support.projects import harness, materialize

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("docker_ready")]


def _settings(run_id: str, **images: str) -> ServiceSettings:
    return ServiceSettings(mode=Mode.DOCKER, run_id=run_id, reaper=Reaper(), images=images)


def test_a_missing_image_is_named_with_ways_to_provide_it(tmp_path: Path) -> None:
    project = materialize("node", "week-18", tmp_path / "p")
    # A pull would fail after a registry timeout, or hang: the bound turns a hang into a failure.
    run = harness("check", "week-18", "--project", str(project), "--services", "docker",
                  "--postgres-image", "postgres:0-never-pulled", timeout=120)
    assert run.code == 4, run.explain()
    assert "the postgres image postgres:0-never-pulled is not present locally" in run.stderr
    assert "docker pull postgres:0-never-pulled" in run.stderr and "--services local" in run.stderr


def test_mongodb_docker_path_reaches_the_image_check() -> None:
    with pytest.raises(EnvironmentProblem) as caught:
        provision.start(_settings("rmongo", mongodb="mongo:7"), ("mongodb",))
    assert "the mongodb image mongo:7 is not present locally" in caught.value.message
    assert any("HARNESS_MONGODB_IMAGE" in fix for fix in caught.value.fixes)


def test_a_container_that_exits_shows_its_logs(tmp_path: Path) -> None:
    project = materialize("node", "week-18", tmp_path / "p")
    run = harness("check", "week-18", "--project", str(project), "--services", "docker",
                  "--postgres-image", REDIS_IMAGE)
    assert run.code == 4, run.explain()
    assert f"the postgres container ({REDIS_IMAGE}) exited before it became ready" in run.stderr
    assert "Last log lines:" in run.stderr and "postgres: not found" in run.stderr
    run_id = run.stdout.split("run ", 1)[1].split()[0]
    assert labelled_containers(run_id) == []


def test_a_port_that_never_answers_is_a_timeout_with_logs() -> None:
    settings = _settings("rtimeout")
    from harness.services import containers

    def never(host: str, port: int) -> None:
        # Refused until the end, but only once the server has said it is ready: the logs the
        # error carries then hold that line however long the container took to start.
        _wait_for_log("rtimeout", "Ready to accept connections")
        raise ConnectionRefusedError(f"{host}:{port}")

    with pytest.raises(ServiceError) as caught:
        containers.start("redis", REDIS_IMAGE, settings, port=6379, env={}, command=None, ping=never, timeout_s=2)
    assert "did not become ready within 2 s" in caught.value.message
    assert "ConnectionRefusedError" in caught.value.message
    assert "Ready to accept connections" in caught.value.log_tail
    assert labelled_containers("rtimeout") == []


def _wait_for_log(run_id: str, line: str) -> None:
    deadline = time.monotonic() + 120  # a bound on a hang, not a speed assumption
    while time.monotonic() < deadline:
        for container in labelled_containers(run_id):
            logs = subprocess.run(["docker", "logs", container], capture_output=True, text=True)
            if line in logs.stdout + logs.stderr:
                return
        time.sleep(0.1)
    raise AssertionError(f"no container of run {run_id} logged {line!r}")


def test_ryuk_enabled_without_its_image_says_so(tmp_path: Path) -> None:
    project = materialize("node", "week-18", tmp_path / "p")
    run = harness("check", "week-18", "--project", str(project), "--services", "docker", timeout=120,
                  env={"TESTCONTAINERS_RYUK_DISABLED": "false", "RYUK_CONTAINER_IMAGE": "testcontainers/ryuk:0.0.0"})
    assert run.code == 4, run.explain()
    assert "Ryuk" in run.stderr and "TESTCONTAINERS_RYUK_DISABLED=true" in run.stderr


def test_doctor_reports_the_engine_and_removes_leftovers() -> None:
    subprocess.run(["docker", "create", "--label", "dev.harness.run=rleftover", REDIS_IMAGE],
                   check=True, capture_output=True)
    run = harness("doctor")
    assert run.code == 0, run.explain()
    assert "engine:      reachable: Docker Engine" in run.stdout
    assert "rootless:" in run.stdout and "DOCKER_HOST:" in run.stdout
    assert "harness-test/postgres:15: present" in run.stdout
    assert "(run rleftover)" in run.stdout and "harness doctor --clean" in run.stdout
    assert "postgres          docker:" in run.stdout, "auto picks docker when the images are present"
    cleaned = harness("doctor", "--clean")
    assert cleaned.code == 0 and "removed" in cleaned.stdout, cleaned.explain()
    assert labelled_containers("rleftover") == []
