"""Nothing is left running after a run: not after Ctrl-C mid-run, not after the harness is
killed outright (the reaper sidecar cleans up), in local and in Docker mode."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from tests.support.docker_env import labelled_containers
from tests.support.projects import ROOT, default_sigint, materialize

pytestmark = pytest.mark.slow

# Bounds that only turn a hang into a failure: far above what any run takes.
HANG_S = 600


def _run_processes(project: Path, pg_port: str | None) -> list[str]:
    """The run's own processes: the app (its cwd is the project) and its local PostgreSQL (its port).

    Other runs on the machine (other tests, other workers) are not this run's business."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "cwd"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
            cwd = proc.info["cwd"] or ""
            if proc.status() == psutil.STATUS_ZOMBIE:  # dead, waiting for an init that does not reap
                continue
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        ours = cwd.startswith(str(project)) or (pg_port is not None and "harness-pg-" in cmdline
                                                   and f"-p {pg_port} " in cmdline + " ")
        if ours:
            found.append(f"{proc.info['pid']} {cmdline}")
    return found


class Started:
    """A `harness check` run read line by line, up to a point of the test's choosing."""

    def __init__(self, project: Path, mode: str, results: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "harness.cli", "check", "week-18", "--project", str(project), "--services",
             mode, "--json", str(results)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "NO_COLOR": "1"}, preexec_fn=default_sigint,
        )
        self.run_id = ""
        self.pg_port: str | None = None
        self.planned = 0
        self.finished_checks: list[str] = []
        self.seen: list[str] = []

    def read_until(self, point: str) -> None:
        """Read the run's output until `point`: "app ready", or "check finished" (the first
        check's result line: the next check is then in progress). A slow machine only makes
        the wait longer; the watchdog's bound (far above any run) turns a hang into a failure."""
        watchdog = threading.Timer(HANG_S, self.proc.kill)
        watchdog.start()
        try:
            self._read(point)
        finally:
            watchdog.cancel()

    def _read(self, point: str) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.seen.append(line)
            run = re.match(r"run (r[0-9a-f]+) · seed \d+ · (\d+) checks", line)
            if run:
                self.run_id, self.planned = run.group(1), int(run.group(2))
            port = re.search(r"services ready: local PostgreSQL .*, port (\d+)", line)
            if port:
                self.pg_port = port.group(1)
            check = re.match(r"  [✓✗!-] (\S+) ", line)
            if check:
                self.finished_checks.append(check.group(1))
            if (point == "app ready" and "app ready" in line) or (point == "check finished" and check):
                return
        raise AssertionError(f"the run ended before {point}:\n" + "".join(self.seen))


def _pg_dir(pg_port: str | None) -> Path | None:
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if pg_port and "-p" in cmdline and pg_port in cmdline and "-D" in cmdline:
            return Path(cmdline[cmdline.index("-D") + 1]).parent
    return None


def _wait_clean(project: Path, mode: str, run_id: str, pg_port: str | None, pg_dir: Path | None,
                timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        left = _run_processes(project, pg_port)
        if pg_dir is not None and pg_dir.exists():
            left.append(f"temp dir {pg_dir}")
        if mode == "docker":
            left += [f"container {c}" for c in labelled_containers(run_id)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def test_sigint_mid_run_stops_everything_and_writes_results(tmp_path: Path, services_mode: str) -> None:
    project = materialize("node", "week-18", tmp_path / "project")
    results = tmp_path / "results.json"
    run = Started(project, services_mode, results)
    run.read_until("check finished")
    # Mid-run: one check has a result, the next one is running, the rest are still to come.
    assert run.planned > 2 and len(run.finished_checks) == 1, "".join(run.seen)
    pg_dir = _pg_dir(run.pg_port)
    assert (pg_dir is not None) == (services_mode == "local")
    run.proc.send_signal(signal.SIGINT)
    out, _ = run.proc.communicate(timeout=HANG_S)
    assert run.proc.returncode == 2, "".join(run.seen) + out
    data = json.loads(results.read_text())
    assert data["interrupted"] is True and data["finished"] is True
    assert [t["id"] for t in data["tests"]][:1] == run.finished_checks, "the finished check's result is kept"
    assert data["not_run"], "checks remained when the run was interrupted"
    assert _wait_clean(project, services_mode, run.run_id, run.pg_port, pg_dir, timeout=60) == []


def test_killed_harness_is_cleaned_up_by_the_reaper(tmp_path: Path, services_mode: str) -> None:
    project = materialize("node", "week-18", tmp_path / "project")
    run = Started(project, services_mode, tmp_path / "results.json")
    run.read_until("app ready")
    pg_dir = _pg_dir(run.pg_port)
    assert _run_processes(project, run.pg_port), "the app is running before the kill"
    run.proc.kill()
    run.proc.wait(timeout=HANG_S)
    # The reaper works on its own after the kill: wait for it to be done (the bound only
    # turns a reaper that never finishes into a failure, it is not a speed assumption).
    assert _wait_clean(project, services_mode, run.run_id, run.pg_port, pg_dir, timeout=120) == []
