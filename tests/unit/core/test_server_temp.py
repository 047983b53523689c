"""What an embedded Java web server leaves in /tmp (harness/runner/strays.py): removed when it is
the run's app's own, and only then. Here in a folder of the test's; the Java labs' proofs
(tests/integration/test_labs.py) look at the real /tmp after a real Spring app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.runner.strays import ServerTempFolders


def _folder(root: Path, name: str) -> Path:
    path = root / name
    (path / "work" / "Tomcat").mkdir(parents=True)
    (path / "work" / "Tomcat" / "file").write_text("x")
    return path


def test_the_apps_own_server_folders_are_removed_and_nothing_else(tmp_path: Path) -> None:
    there_before = _folder(tmp_path, "tomcat.8080.1")
    temp = ServerTempFolders(enabled=True, folder=tmp_path)
    temp.before()
    ours = [_folder(tmp_path, name) for name in ("tomcat.8080.2", "tomcat-docbase.8080.3", "undertow.8080.4",
                                                 "jetty-127_0_0_1-8080-ROOT_war-_-any-5")]
    other_port = _folder(tmp_path, "tomcat.8081.6")  # another run's app, running beside ours
    not_a_server = _folder(tmp_path, "tomcat.8080")  # a name no server makes
    temp.note([8080])
    after_ours = _folder(tmp_path, "tomcat.8080.7")  # the port's next holder, after our app let it go
    removed = temp.sweep()
    assert sorted(removed) == sorted(path.name for path in ours)
    assert not any(path.exists() for path in ours)
    assert all(path.exists() for path in (there_before, other_port, not_a_server, after_ours))
    assert temp.sweep() == []  # once


def test_a_link_with_a_servers_name_is_left_and_not_followed(tmp_path: Path) -> None:
    target = _folder(tmp_path, "elsewhere")
    temp = ServerTempFolders(enabled=True, folder=tmp_path)
    temp.before()
    (tmp_path / "tomcat.8080.2").symlink_to(target)
    temp.note([8080])
    assert temp.sweep() == []
    assert (target / "work" / "Tomcat" / "file").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="a folder of another account is made as root")
def test_a_folder_of_another_account_is_left(tmp_path: Path) -> None:
    temp = ServerTempFolders(enabled=True, folder=tmp_path)
    temp.before()
    foreign = _folder(tmp_path, "tomcat.8080.2")
    os.chown(foreign, 65534, 65534)
    temp.note([8080])
    assert temp.sweep() == [] and foreign.exists()


def test_when_disabled_nothing_is_removed(tmp_path: Path) -> None:
    temp = ServerTempFolders(enabled=False, folder=tmp_path)
    temp.before()
    made = _folder(tmp_path, "tomcat.8080.2")
    temp.note([8080])
    assert temp.sweep() == [] and made.exists()
