"""AppRunner.exited: an app whose listener has closed is waited for until its process ends, so
a crash is seen even when the process the harness started (a jail's wrapper) outlives its
listener by a moment; a running app is not."""

from __future__ import annotations

import contextlib
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import httpx

from harness.config import parse_config
from harness.proc.reaper import Reaper
from harness.runner.app import AppEnvironment, AppRunner
from harness.runner.execute import _app_gone
from harness.services.base import free_port

# /health answers; /die closes the listener, then exits 3 once the file `go` exists: the test
# decides how long the process outlives its listener.
SERVER = """
import http.server, os, pathlib, sys, threading, time
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/die":
            server.socket.close()
            while not pathlib.Path("go").exists():
                time.sleep(0.01)
            os._exit(3)
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler)
server.serve_forever()
"""


def _runner(tmp_path: Path, reaper: Reaper) -> tuple[AppRunner, int]:
    (tmp_path / "server.py").write_text(SERVER)
    config = parse_config(tmp_path, {"track": "node", "app": {"start": f"{sys.executable} server.py",
                                                               "health": "/health"}}, "harness.toml")
    port = free_port()
    return AppRunner(config, workdir=tmp_path, app_env=AppEnvironment(port=port, service_urls={}),
                     reaper=reaper, progress=lambda _message: None), port


def test_an_app_whose_listener_closed_is_waited_for_until_it_has_exited(tmp_path: Path) -> None:
    reaper = Reaper()
    runner, port = _runner(tmp_path, reaper)
    try:
        runner.start()
        runner.wait_ready()
        assert not runner.exited(), "a running app, answering"
        dying = threading.Thread(target=_ask_to_die, args=(port,))
        dying.start()
        while runner.alive() and _listening(port):
            pass  # until the listener is closed (state, not time)
        assert runner.alive(), "still running without its listener until `go`"
        releaser = threading.Timer(0.3, lambda: (tmp_path / "go").write_text(""))
        releaser.start()
        assert runner.exited(settle_s=60), "the process ended while exited() waited for it"
        assert runner.exit_code() == 3
        releaser.join()
        dying.join()
    finally:
        runner.stop()
        reaper.close()


def _listening(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
        return True
    except httpx.TransportError:
        return False


def _ask_to_die(port: int) -> None:
    with contextlib.suppress(httpx.TransportError):  # it dies without answering: what the request is for
        httpx.get(f"http://127.0.0.1:{port}/die", timeout=60)


def test_a_failed_checks_evidence_names_an_exit_only_of_an_app_that_exited(tmp_path: Path) -> None:
    reaper = Reaper()
    runner, port = _runner(tmp_path, reaper)
    try:
        assert _app_gone(SimpleNamespace(app=runner)) is None, "never started: nothing exited"  # type: ignore[arg-type]
        runner.start()
        runner.wait_ready()
        assert _app_gone(SimpleNamespace(app=runner)) is None, "running"  # type: ignore[arg-type]
        (tmp_path / "go").write_text("")
        _ask_to_die(port)
        gone = _app_gone(SimpleNamespace(app=runner))  # type: ignore[arg-type]
        assert gone is not None and gone.startswith("the app exited during this check"), gone
    finally:
        runner.stop()
        reaper.close()
