"""The postgres track's checks start and kill servers of their own: a server given by URL
cannot be one of them, and asking for one is refused before anything starts, with the way out."""

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
