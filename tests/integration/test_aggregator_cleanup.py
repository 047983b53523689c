"""node/week-05's aggregator runs on a 500 MiB log the harness writes into the project: a harness
killed outright (no exit handler runs) leaves neither the file nor the program behind, the
reaper removes both. (Ctrl-C's exit handler: validators/internals/aggregator_run.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from tests.support.projects import ROOT, default_sigint, materialize

pytestmark = pytest.mark.slow

# Bounds that only turn a hang into a failure: far above what any run takes.
HANG_S = 600


def _logs(project: Path) -> list[Path]:
    return sorted((project / ".harness").glob("log-*/access.log"))


def _folders(project: Path) -> list[Path]:
    return sorted((project / ".harness").glob("log-*"))


def _aggregators(project: Path) -> list[int]:
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if str(project) in cmdline and "aggregate" in cmdline and proc.status() != psutil.STATUS_ZOMBIE:
            found.append(proc.info["pid"])
    return found


def _until(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + HANG_S
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_a_killed_harness_leaves_no_log_and_no_aggregator(tmp_path: Path) -> None:
    project = materialize("node", "week-05", tmp_path / "project")
    run = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "check", "node/week-05", "--project", str(project), "--services",
         "local", "--only", "internals.aggregate.totals"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"},
        preexec_fn=default_sigint)
    try:
        # The log written and the learner's program reading it: mid-check.
        _until(lambda: run.poll() is not None or (_logs(project) and _aggregators(project)), "the aggregator ran")
        assert run.poll() is None, "the run ended before its aggregator was seen"
    finally:
        run.kill()
        run.wait(timeout=HANG_S)
    _until(lambda: not _folders(project) and not _aggregators(project),
           "the reaper removed the log's folder and the program")
