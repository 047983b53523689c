"""AppRunner.restart: the app stopped and started again on the same port, a new process answering
its health route (what arch.jobs.durable relies on), and the new process's log in log_tail."""

from __future__ import annotations

import contextlib
import shutil
import sys
import threading
import time
from pathlib import Path

import httpx

from harness.runner.app import AppRunner
from tests.support.running_app import running_app

# A server that answers /health with its own pid.
SERVER = """
import http.server, os, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = str(os.getpid()).encode()
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
print("serving", os.getpid(), flush=True)
http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""


def _running(tmp_path: Path, start: str | None = None) -> contextlib.AbstractContextManager[tuple[AppRunner, int]]:
    """The server above started as an app of the harness's on a free port, stopped at the end."""
    return running_app(tmp_path, SERVER, start=start)


def test_restart_starts_a_new_process_on_the_same_port(tmp_path: Path) -> None:
    with _running(tmp_path) as (runner, port):
        before = httpx.get(f"http://127.0.0.1:{port}/health").text
        assert runner.restart() >= 0.0
        after = httpx.get(f"http://127.0.0.1:{port}/health").text
        assert runner.alive()
        assert before != after, "a new process answers"
        assert f"serving {after}" in runner.log_tail(5) and f"serving {before}" not in runner.log_tail(5)


def test_an_app_restarted_from_a_checks_thread_outlives_the_thread(tmp_path: Path) -> None:
    """A grading jail's bwrap dies with the thread that started it (--die-with-parent, a
    parent-death signal): setpriv --pdeathsig does the same here, without a jail (util-linux's
    setpriv, which the grading jail needs too: a machine without it fails here, it is not skipped)."""
    assert shutil.which("setpriv"), "util-linux's setpriv is needed (the grading jail uses it too)"
    with _running(tmp_path, f"exec setpriv --pdeathsig KILL -- {sys.executable} server.py") as (runner, port):
        check = threading.Thread(target=runner.restart)  # as a check runs: a thread that ends
        check.start()
        check.join()
        # join() returns before the thread is gone from the kernel, and the parent-death signal comes
        # as it goes: wait for that state. A SIGKILL sent then is taken before the app's next system
        # call returns, so an answer after it says none was sent.
        task = Path(f"/proc/self/task/{check.native_id}")
        deadline = time.monotonic() + 10.0
        while task.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not task.exists()
        assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
        assert runner.alive(), runner.log_tail(5)


def test_restart_if_needed_starts_the_app_only_for_a_later_check(tmp_path: Path) -> None:
    """micro.shutdown.graceful ends with the app stopped: it is started again only when a check
    after it talks to the app (the session's needed_later); else it stays stopped, nothing new runs."""
    with _running(tmp_path) as (runner, port):
        first = httpx.get(f"http://127.0.0.1:{port}/health").text
        assert runner.needed_later, "needed unless the session says otherwise"
        seconds = runner.restart_if_needed()
        assert seconds is not None and runner.alive()
        assert httpx.get(f"http://127.0.0.1:{port}/health").text != first, "a new process answers"
        runner.needed_later = False
        assert runner.restart_if_needed() is None
        assert not runner.alive()
        assert not runner.exited(), "stopped by the harness: not a crash (grading's CrashWatch reads exited())"
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=2.0)
        except httpx.ConnectError:
            pass
        else:
            raise AssertionError("nothing answers on the app's port once it is left stopped")
