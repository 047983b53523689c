"""Named processes beside the app (lab.toml [app] processes, harness.toml [processes.<name>]): started
first, each on its port, the app told <NAME>_URL (the recording proxy); one that never starts is
the project's error with its last lines; all of them stopped with the app."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.config import parse_config
from harness.errors import ConfigError
from harness.proc.procfs import stat_fields
from harness.proc.reaper import Reaper
from harness.runner.app import AppEnvironment, AppFailed, AppRunner
from harness.services.base import free_port

# Answers /health; GET /via answers what CATALOG_URL/item answers (the app), else its own name.
SERVER = """
import http.server, os, sys, urllib.request
name = sys.argv[1]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/via":
            body = urllib.request.urlopen(os.environ["CATALOG_URL"] + "/item").read()
        else:
            body = f"{name} {os.getpid()}".encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
print(name, "serving", flush=True)
http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""


def _runner(tmp_path: Path, processes: dict[str, Any], wanted: tuple[str, ...] = ("catalog",)) -> AppRunner:
    (tmp_path / "server.py").write_text(SERVER)
    config = parse_config(tmp_path, {"track": "node", "app": {"start": f"{sys.executable} server.py gateway"},
                                     "processes": processes}, "harness.toml")
    return AppRunner(config, workdir=tmp_path, app_env=AppEnvironment(port=free_port(), service_urls={}),
                     reaper=Reaper(), progress=lambda _message: None, processes=wanted)


def test_the_app_reaches_its_process_through_the_proxy_and_both_stop(tmp_path: Path) -> None:
    runner = _runner(tmp_path, {"catalog": {"start": f"{sys.executable} server.py catalog"}})
    try:
        runner.start()
        runner.wait_ready()
        catalog = runner.process("catalog")
        answer = httpx.get(runner.base_url + "/via").text
        assert answer.startswith("catalog ")
        assert [s.path for s in catalog.proxy.seen()] == ["/item"]
        assert "catalog serving" in runner.log_tail(10)
        catalog.kill()
        assert not catalog.alive()
        assert catalog.start() >= 0.0 and httpx.get(runner.base_url + "/via").text != answer
        pid = int(httpx.get(catalog.url + "/").text.split()[1])
    finally:
        runner.stop()
    # Killed with its group; it may stay a zombie until whoever adopted it reaps it.
    deadline = time.monotonic() + 10.0
    while (fields := stat_fields(pid)) is not None and fields[0] != "Z" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fields is None or fields[0] == "Z", f"the catalog process {pid} outlived the run"


def test_a_process_that_exits_is_the_projects_error_with_its_last_lines(tmp_path: Path) -> None:
    runner = _runner(tmp_path, {"catalog": {"start": f"{sys.executable} -c \"print('no catalog today'); exit(3)\""}})
    try:
        with pytest.raises(AppFailed) as failed:
            runner.start()
        assert failed.value.phase == "start" and "catalog process exited with code 3" in failed.value.message
        assert "no catalog today" in failed.value.log_tail
        assert not runner.started, "the app is not started without the process it calls"
    finally:
        runner.stop()


def test_a_lab_process_the_project_does_not_start_is_named(tmp_path: Path) -> None:
    runner = _runner(tmp_path, {})
    with pytest.raises(AppFailed, match=r"no \[processes.catalog\] table"):
        runner.start()
    runner.stop()


def test_a_process_table_is_checked_like_app() -> None:
    with pytest.raises(ConfigError, match="start"):
        parse_config(Path("/tmp"), {"track": "node", "app": {"start": "x"}, "processes": {"catalog": {}}}, "h.toml")
    with pytest.raises(ConfigError, match="strat"):
        parse_config(Path("/tmp"), {"track": "node", "app": {"start": "x"},
                                    "processes": {"catalog": {"strat": "x"}}}, "h.toml")
    config = parse_config(Path("/tmp"), {"track": "node", "app": {"start": "x"}, "processes": {
        "catalog": {"start": "node c.js", "health": "/ready", "ready_timeout": "5s", "env": {"A": "1"}}}}, "h.toml")
    catalog = config.processes["catalog"]
    assert (catalog.start, catalog.health, catalog.ready_timeout_s, dict(catalog.env)) == \
        ("node c.js", "/ready", 5.0, {"A": "1"})


# A queue's worker: no HTTP, it appends its pid to workers.txt and waits for work.
WORKER = "import os, time\nopen('workers.txt', 'a').write(f'{os.getpid()}\\n')\nwhile True: time.sleep(60)\n"


def _workers(tmp_path: Path, count: int) -> list[int]:
    """The pids the worker processes wrote, once `count` of them have (each starts in its own time)."""
    deadline = time.monotonic() + 30.0
    while True:
        path = tmp_path / "workers.txt"
        pids = [int(line) for line in path.read_text().split()] if path.exists() else []
        if len(pids) >= count or time.monotonic() >= deadline:
            return pids
        time.sleep(0.02)


def _gone(pid: int) -> bool:
    """Whether `pid` ended (a zombie not yet reaped by its adopter counts as ended)."""
    deadline = time.monotonic() + 10.0
    while (fields := stat_fields(pid)) is not None and fields[0] != "Z" and time.monotonic() < deadline:
        time.sleep(0.01)
    return fields is None or fields[0] == "Z"


def test_a_worker_without_http_restarts_with_the_app_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / "worker.py").write_text(WORKER)
    runner = _runner(tmp_path, {"worker": {"start": f"{sys.executable} worker.py", "health": ""}}, ("worker",))
    try:
        runner.start()
        runner.wait_ready()
        [first] = _workers(tmp_path, 1)
        runner.restart()  # the app alone: a gateway's upstreams keep running
        assert runner.process("worker").alive() and _workers(tmp_path, 1) == [first]
        runner.restart(processes=True)  # a crash of the deployment: the worker dies mid-job too
        pids = _workers(tmp_path, 2)
        assert len(pids) == 2 and pids[1] != first and runner.process("worker").alive()
        assert _gone(first), f"the first worker {first} outlived restart(processes=True)"
    finally:
        runner.stop()


# A worker that fails at once, and an app whose start waits until that worker's process has ended
# (its pid a zombie the harness has not reaped, or gone): the app is ready only after the crash.
FAILING_WORKER = ("import os\nopen('worker.pid', 'w').write(str(os.getpid()))\n"
                  "print('worker: no queue at QUEUE_URL')\nraise SystemExit(4)\n")
AFTER_THE_WORKER = """
import os, pathlib, time
pid = pathlib.Path("worker.pid")
while not pid.exists() or not pid.read_text():
    time.sleep(0.01)
stat = pathlib.Path("/proc", pid.read_text(), "stat")
while stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":
    time.sleep(0.01)
exec(open("server.py").read())
"""


def test_a_worker_that_dies_while_the_app_starts_is_named_before_any_check(tmp_path: Path) -> None:
    (tmp_path / "worker.py").write_text(FAILING_WORKER)
    (tmp_path / "after.py").write_text(AFTER_THE_WORKER)
    (tmp_path / "server.py").write_text(SERVER)
    config = parse_config(tmp_path, {"track": "python", "app": {"start": f"{sys.executable} after.py gateway"},
                                     "processes": {"worker": {"start": f"exec {sys.executable} worker.py",
                                                              "health": ""}}}, "harness.toml")
    runner = AppRunner(config, workdir=tmp_path, app_env=AppEnvironment(port=free_port(), service_urls={}),
                       reaper=Reaper(), progress=lambda _message: None, processes=("worker",))
    try:
        runner.start()
        with pytest.raises(AppFailed) as failed:
            runner.wait_ready()
        assert failed.value.phase == "start"
        assert "the worker process exited with code 4 while the app started" in failed.value.message
        assert "worker: no queue at QUEUE_URL" in failed.value.log_tail
    finally:
        runner.stop()


def test_health_may_be_empty_for_a_process_that_serves_no_http() -> None:
    config = parse_config(Path("/tmp"), {"track": "python", "app": {"start": "x"}, "processes": {
        "worker": {"start": "python -m shelf.worker", "health": ""}}}, "h.toml")
    assert config.processes["worker"].health == ""
    with pytest.raises(ConfigError, match="starting with '/'"):
        parse_config(Path("/tmp"), {"track": "python", "app": {"start": "x"},
                                    "processes": {"worker": {"start": "x", "health": "ready"}}}, "h.toml")
