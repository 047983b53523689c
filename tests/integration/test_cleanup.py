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


def _leftover_processes(project: Path) -> list[str]:
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "cwd"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
            cwd = proc.info["cwd"] or ""
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if cwd.startswith(str(project)) or "harness-pg-" in cmdline:
            found.append(f"{proc.info['pid']} {cmdline}")
    return found


def _leftover_dirs(before: set[str]) -> set[str]:
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))
    return {str(p) for p in tmp.glob("harness-pg-*")} - before


def _start_until_ready(project: Path, mode: str, results: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "check", "week-18", "--project", str(project), "--services", mode,
         "--json", str(results)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.stdout is not None
    run_id = ""
    seen = []
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        seen.append(line)
        match = re.match(r"run (r[0-9a-f]+) ", line)
        if match:
            run_id = match.group(1)
        if "app ready" in line:
            return proc, run_id
        assert time.monotonic() < deadline, "".join(seen)
    raise AssertionError("the run ended before the app was ready:\n" + "".join(seen))


def _wait_clean(project: Path, dirs_before: set[str], mode: str, run_id: str, timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        left = _leftover_processes(project) + sorted(_leftover_dirs(dirs_before))
        if mode == "docker":
            left += [f"container {c}" for c in labelled_containers(run_id)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def test_sigint_mid_run_stops_everything_and_writes_results(tmp_path: Path, services_mode: str) -> None:
    project = materialize("node", "week-18", tmp_path / "project")
    results = tmp_path / "results.json"
    dirs_before = {str(p) for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("harness-pg-*")}
    proc, run_id = _start_until_ready(project, services_mode, results)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2, out
    data = json.loads(results.read_text())
    assert data["interrupted"] is True and data["finished"] is True
    assert _wait_clean(project, dirs_before, services_mode, run_id, timeout=5) == []


def test_killed_harness_is_cleaned_up_by_the_reaper(tmp_path: Path, services_mode: str) -> None:
    project = materialize("node", "week-18", tmp_path / "project")
    dirs_before = {str(p) for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("harness-pg-*")}
    proc, run_id = _start_until_ready(project, services_mode, tmp_path / "results.json")
    assert _leftover_processes(project), "the app is running before the kill"
    proc.kill()
    proc.wait(timeout=10)
    assert _wait_clean(project, dirs_before, services_mode, run_id, timeout=20) == []
