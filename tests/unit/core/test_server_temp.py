"""What an embedded Java web server leaves in /tmp (harness/runner/strays.py): removed when it is
the run's app's own, and only then: the rules in a folder of the test's, then an app of the
harness's that makes Tomcat's folders in the real /tmp. The Java labs' proofs
(tests/integration/test_labs.py) look at /tmp after a real Spring app."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from harness.config import parse_config
from harness.proc.reaper import Reaper
from harness.runner import strays
from harness.runner.app import AppEnvironment, AppRunner
from harness.runner.strays import SYSTEM_TEMP, ServerTempFolders
from harness.services.base import free_port
from harness.services.users import SERVICE_UID_ENV
from tests.support.running_app import running_app


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


def test_a_folder_of_another_account_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = ServerTempFolders(enabled=True, folder=tmp_path)
    temp.before()
    foreign = _folder(tmp_path, "tomcat.8080.2")
    temp.note([8080])
    # The harness's account seen as another one's: the folder is no longer its own.
    monkeypatch.setattr(strays.os, "geteuid", lambda: foreign.stat().st_uid + 1)
    assert temp.sweep() == [] and foreign.exists()


# An app that makes what Spring Boot's Tomcat makes in /tmp, named after its port, then serves.
SERVER = """
import http.server, os, time
port = os.environ["PORT"]
for prefix in ("tomcat", "tomcat-docbase"):
    os.mkdir(f"/tmp/{prefix}.{port}.{time.time_ns()}", 0o700)  # /tmp whatever TMPDIR says, as a JVM's
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()
"""


def _made(port: int) -> list[Path]:
    return [path for path in SYSTEM_TEMP.iterdir() if strays.port_of(path.name) == port]


def _run_app(tmp_path: Path) -> tuple[list[Path], list[Path]]:
    """The app above started and stopped by the harness: its folders while it ran, and after."""
    with running_app(tmp_path, SERVER, track="java") as (_runner, port):
        running = _made(port)
    return running, _made(port)


def test_the_harness_removes_the_folders_its_app_made_as_it_stops(tmp_path: Path) -> None:
    running, after = _run_app(tmp_path)
    assert len(running) == 2 and after == []


def test_when_grading_the_harness_leaves_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A graded app runs in a jail with a /tmp of its own; whatever reaches the machine's /tmp is the
    submission's, and nothing of it is removed by the harness, which runs as root there."""
    monkeypatch.setenv(SERVICE_UID_ENV, "65534")
    running, after = _run_app(tmp_path)
    try:
        assert len(running) == 2 and sorted(after) == sorted(running)
    finally:
        for path in after:
            shutil.rmtree(path, ignore_errors=True)


class _AsAnotherAccount:
    """A launcher that would run the app as a submission's uid (as the grading jail does)."""

    def wrap(self, argv: list[str], *, phase: str, cwd: Path, env: Mapping[str, str],
             readable: Sequence[Path] = ()) -> tuple[list[str], dict[str, str]]:
        return argv, dict(env)

    def account(self) -> tuple[int | None, int | None]:
        return 65534, 65534


def test_an_app_run_as_another_account_has_its_folders_left(tmp_path: Path) -> None:
    config = parse_config(tmp_path, {"track": "java", "app": {"start": "true"}}, "harness.toml")
    runner = AppRunner(config, workdir=tmp_path, app_env=AppEnvironment(port=free_port(), service_urls={}),
                       reaper=Reaper(), progress=lambda _message: None, launcher=_AsAnotherAccount())
    assert not runner.server_temp.enabled


def test_when_disabled_nothing_is_removed(tmp_path: Path) -> None:
    temp = ServerTempFolders(enabled=False, folder=tmp_path)
    temp.before()
    made = _folder(tmp_path, "tomcat.8080.2")
    temp.note([8080])
    assert temp.sweep() == [] and made.exists()
