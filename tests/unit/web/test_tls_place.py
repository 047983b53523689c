"""Where the TLS checks put the server's key and certificate (validators/web/tls_instance.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from harness.validators.web.tls_instance import place


def test_the_files_go_into_a_fresh_private_folder_of_the_project(tmp_path: Path) -> None:
    first = place(tmp_path, {"server.crt": "CERT", "server.key": "KEY"})
    second = place(tmp_path, {"server.crt": "CERT"})
    assert first.parent == second.parent == tmp_path / ".harness" and first != second
    assert (first / "server.key").read_text() == "KEY"
    assert stat.S_IMODE(os.stat(first / "server.key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o700


def test_a_link_the_project_ships_in_place_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / ".harness").symlink_to(elsewhere)
    with pytest.raises(OSError):
        place(project, {"server.key": "KEY"})
    assert list(elsewhere.iterdir()) == []
