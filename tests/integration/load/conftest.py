"""Targets for the load tests: the stdlib demo server, started per test and always stopped."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

StartTarget = Callable[..., str]


@pytest.fixture
def start_target() -> Iterator[StartTarget]:
    """``start_target(stall_every=None, stall_for=None) -> base URL`` on 127.0.0.1."""
    started: list[subprocess.Popen[str]] = []

    def start(stall_every: str | None = None, stall_for: str | None = None) -> str:
        argv = [sys.executable, "-m", "harness.load.demo_target", "--port", "0"]
        if stall_every and stall_for:
            argv += ["--stall-every", stall_every, "--stall-for", stall_for]
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on "), f"the demo target did not start: {line!r}"
        return "http://" + line.split()[-1]

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
