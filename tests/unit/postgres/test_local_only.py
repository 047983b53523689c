"""The postgres track's checks start servers of their own from local binaries: asking for
Docker or external services is refused before anything starts, with the way out."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main


@pytest.mark.parametrize("services", ["docker", "external"])
def test_docker_and_external_services_are_refused_by_name(services: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "harness.toml").write_text('track = "postgres"\n')
    code = main(["check", "week-01", "--project", str(tmp_path), "--services", services])
    err = capsys.readouterr().err
    assert code == 4
    assert f"--services {services} is not built for the postgres track" in err and "--services local" in err
