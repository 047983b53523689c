"""`harness check --watch` on a real project: a pass, a save that plants a defect fails its
check in the next round without reinstalling, Ctrl-C while watching ends it and leaves
nothing running."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from tests.support.projects import ROOT, default_sigint, materialize

pytestmark = pytest.mark.slow

HANG_S = 600  # only turns a hang into a failure: far above what any round takes
DEFECT = "rest.errors.problem_json"
CHANGED = "src/http/problem.js"


class Watching:
    """`harness check --watch`, its output read line by line up to a point of the test's choosing."""

    def __init__(self, project: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "harness.cli", "check", "week-18", "--project", str(project), "--services",
             "local", "--watch", "--only", DEFECT, "--only", "rest.shelf.contract"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "NO_COLOR": "1"}, preexec_fn=default_sigint)
        self.seen: list[str] = []

    def read_until(self, text: str) -> list[str]:
        """The lines up to and including the next one holding `text`."""
        assert self.proc.stdout is not None
        watchdog = threading.Timer(HANG_S, self.proc.kill)
        watchdog.start()
        lines: list[str] = []
        try:
            for line in self.proc.stdout:
                lines.append(line)
                if text in line:
                    break
        finally:
            watchdog.cancel()
        self.seen += lines
        assert lines and text in lines[-1], "".join(self.seen)
        return lines


def _left_running(project: Path) -> list[str]:
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "cwd"]):
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and (proc.info["cwd"] or "").startswith(str(project)):
                found.append(f"{proc.info['pid']} {' '.join(proc.info['cmdline'] or [])}")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def test_a_save_is_checked_again_and_ctrl_c_ends_the_watch(tmp_path: Path) -> None:
    project = materialize("node", "week-18", tmp_path / "shelf")
    broken = materialize("node", "week-18", tmp_path / "broken", DEFECT)
    watching = Watching(project)
    try:
        first = watching.read_until("for changes (Ctrl-C to stop)")
        assert any(line.startswith("PASS") for line in first), "".join(first)
        seed = next(line for line in first if line.startswith("run r")).split("·")[1]
        shutil.copyfile(broken / CHANGED, project / CHANGED)  # the learner's save
        second = watching.read_until("for changes (Ctrl-C to stop)")
        assert any(f"▸ changed: {CHANGED}; checking again" in line for line in second), "".join(second)
        assert any(line.startswith("FAIL") for line in second), "".join(second)
        assert any(f"✗ {DEFECT}" in line for line in second), "".join(second)
        assert any("install skipped" in line for line in second), "an unchanged lockfile is not installed again"
        assert next(line for line in second if line.startswith("run r")).split("·")[1] == seed, "one seed"
        watching.proc.send_signal(signal.SIGINT)
        code = watching.proc.wait(HANG_S)
    finally:
        if watching.proc.poll() is None:
            watching.proc.kill()
            watching.proc.wait()
    assert code == 1, "".join(watching.seen)  # the last round's verdict: its check failed
    assert _left_running(project) == []
