"""Where no engine listens on the Docker socket, the probe says so at once, and why."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from harness.services.docker import engine


def test_a_missing_socket_is_no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'docker.sock'}")
    found = engine()
    assert not found.reachable and found.client is None
    assert "No such file or directory" in found.detail and str(tmp_path) in found.detail


def test_a_socket_nobody_listens_on_is_no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What a stopped engine leaves behind: the socket file, bound once, with nobody accepting.
    path = tmp_path / "docker.sock"
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    found = engine()
    assert not found.reachable and "Connection refused" in found.detail
