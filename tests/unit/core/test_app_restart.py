"""AppRunner.restart: the app stopped and started again on the same port, a new process answering
its health route (what arch.jobs.durable relies on), and the new process's log in log_tail."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

from harness.config import parse_config
from harness.proc.reaper import Reaper
from harness.runner.app import AppEnvironment, AppRunner
from harness.services.base import free_port

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


def test_restart_starts_a_new_process_on_the_same_port(tmp_path: Path) -> None:
    (tmp_path / "server.py").write_text(SERVER)
    config = parse_config(tmp_path, {"track": "node", "app": {"start": f"{sys.executable} server.py",
                                                               "health": "/health"}}, "harness.toml")
    port = free_port()
    reaper = Reaper()
    runner = AppRunner(config, workdir=tmp_path, app_env=AppEnvironment(port=port, service_urls={}),
                       reaper=reaper, progress=lambda _message: None)
    try:
        runner.start()
        runner.wait_ready()
        before = httpx.get(f"http://127.0.0.1:{port}/health").text
        assert runner.restart() >= 0.0
        after = httpx.get(f"http://127.0.0.1:{port}/health").text
        assert runner.alive()
        assert before != after, "a new process answers"
        assert f"serving {after}" in runner.log_tail(5) and f"serving {before}" not in runner.log_tail(5)
    finally:
        runner.stop()
        reaper.close()
