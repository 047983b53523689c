"""Nothing is left running after a run: not after Ctrl-C mid-run, not after the harness is
killed outright (the reaper sidecar cleans up), in local and in Docker mode."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.support.docker_env import labelled_containers
from tests.support.projects import ROOT, materialize

pytestmark = pytest.mark.slow


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


def _start_until_ready(project: Path, mode: str, results: Path) -> tuple[subprocess.Popen[str], str, str | None]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "check", "week-18", "--project", str(project), "--services", mode,
         "--json", str(results)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.stdout is not None
    run_id, pg_port = "", None
    seen = []
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        seen.append(line)
        match = re.match(r"run (r[0-9a-f]+) ", line)
        if match:
            run_id = match.group(1)
        port = re.search(r"services ready: local PostgreSQL .*, port (\d+)", line)
        if port:
            pg_port = port.group(1)
        if "app ready" in line:
            return proc, run_id, pg_port
        assert time.monotonic() < deadline, "".join(seen)
    raise AssertionError("the run ended before the app was ready:\n" + "".join(seen))


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
    proc, run_id, pg_port = _start_until_ready(project, services_mode, results)
    pg_dir = _pg_dir(pg_port)
    assert (pg_dir is not None) == (services_mode == "local")
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2, out
    data = json.loads(results.read_text())
    assert data["interrupted"] is True and data["finished"] is True
    assert _wait_clean(project, services_mode, run_id, pg_port, pg_dir, timeout=5) == []


def test_killed_harness_is_cleaned_up_by_the_reaper(tmp_path: Path, services_mode: str) -> None:
    project = materialize("node", "week-18", tmp_path / "project")
    proc, run_id, pg_port = _start_until_ready(project, services_mode, tmp_path / "results.json")
    pg_dir = _pg_dir(pg_port)
    assert _run_processes(project, pg_port), "the app is running before the kill"
    proc.kill()
    proc.wait(timeout=10)
    assert _wait_clean(project, services_mode, run_id, pg_port, pg_dir, timeout=20) == []
