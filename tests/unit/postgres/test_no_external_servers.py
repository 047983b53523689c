"""The postgres track's checks start and kill servers of their own: a server given by URL
cannot be one of them, and asking for one is refused before anything starts, with the way out;
Docker mode without the image says so once, before any check."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main


def test_external_services_are_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "harness.toml").write_text('track = "postgres"\n')
    code = main(["check", "week-01", "--project", str(tmp_path), "--services", "external"])
    err = capsys.readouterr().err
    assert code == 4
    assert "--services external" in err and "cannot use a server given by URL" in err
    assert "--services docker" in err


def test_docker_mode_without_the_image_is_said_once_before_any_check(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.services import docker as dockermod
    from harness.services import postgres

    def missing(image: str) -> None:
        raise dockermod.missing_image_problem(image, "postgres")

    monkeypatch.setattr(postgres, "image_binaries", missing)
    (tmp_path / "harness.toml").write_text('track = "postgres"\n')
    code = main(["check", "week-01", "--project", str(tmp_path), "--services", "docker",
                 "--postgres-image", "nonexistent:1"])
    captured = capsys.readouterr()
    assert code != 0
    assert captured.err.count("the postgres image nonexistent:1 is not present locally") == 1
    assert "docker pull nonexistent:1" in captured.err and "--services local" in captured.err
    assert "cannot check here" not in captured.out, "no check ran to find it out"


def test_no_local_binaries_is_said_once_before_any_check_without_the_url_way_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.services import postgres

    monkeypatch.setattr(postgres, "find_binaries", lambda: (None, ["PATH: no postgres or pg_ctl"]))
    (tmp_path / "harness.toml").write_text('track = "postgres"\n')
    code = main(["check", "week-01", "--project", str(tmp_path), "--services", "local"])
    captured = capsys.readouterr()
    assert code != 0
    assert captured.err.count("no PostgreSQL server binaries found") == 1
    assert "--services docker" in captured.err and "--services external" not in captured.err
    assert "cannot check here" not in captured.out


def test_grading_never_gives_the_track_s_servers_containers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A submission's servers stay in its jail: the worker asks for local mode for this track, and a
    worker with a service uid is given none even if it asked for Docker."""
    from harness.grading.worker import graded_mode
    from harness.proc.reaper import Reaper
    from harness.services import provision, users
    from harness.services.base import Mode, ServiceSettings

    assert graded_mode("postgres", "docker") is Mode.LOCAL and graded_mode("postgres", "external") is Mode.LOCAL
    assert graded_mode("node", "docker") is Mode.DOCKER
    settings = ServiceSettings(mode=Mode.DOCKER, run_id="rgraded", reaper=Reaper())
    assert provision.servers_decision(settings)[0] == settings.image("postgres")
    monkeypatch.setenv(users.SERVICE_UID_ENV, "4242")
    image, why = provision.servers_decision(settings)
    assert image is None and "jail" in why
