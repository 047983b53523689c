"""A check's own server is gone after Ctrl-C mid-check, and after the harness is killed outright
(its cleanup sidecar stops it and removes its folder): real runs of `harness check`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psutil
import pytest

from tests.support.projects import ROOT, default_sigint, materialize

pytestmark = pytest.mark.slow

# Bounds that only turn a hang into a failure: far above what a start or a cleanup takes.
HANG_S = 120.0
T = TypeVar("T")


def _our_server(marker: str) -> tuple[psutil.Process, Path] | None:
    """The postmaster whose cluster holds this test's conf.d (its text carries `marker`)."""
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if len(cmdline) < 3 or not cmdline[0].endswith("postgres") or "-D" not in cmdline:
            continue
        data = Path(cmdline[cmdline.index("-D") + 1])
        try:
            if marker in (data / "conf.d" / "10-lab.conf").read_text():
                return proc, data.parent
        except OSError:
            continue
    return None


def _wait(what: str, condition: Callable[[], T | None]) -> T:
    deadline = time.monotonic() + HANG_S
    while not (value := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {HANG_S:.0f} s"
        time.sleep(0.1)
    return value


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_the_check_s_server_is_gone_after_ctrl_c_or_a_killed_harness(tmp_path: Path, how: signal.Signals) -> None:
    project = materialize("postgres", "week-01", tmp_path / "reference")
    marker = f"# cleanup-test {tmp_path.name} {os.getpid()}"
    conf = project / "conf.d" / "10-lab.conf"
    # A naptime the check waits for: the run is surely inside the check when it is stopped.
    conf.write_text(conf.read_text().replace("autovacuum_naptime = 1s", "autovacuum_naptime = 15s") + marker + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "check", "week-01", "--track", "postgres",
                             "--project", str(project), "--only", "pg.autovacuum.hot_table"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=default_sigint)
    try:
        server, folder = _wait("the check's server started", lambda: _our_server(marker))
        assert folder.name.startswith("harness-pg-")
        proc.send_signal(how)
        proc.wait(timeout=HANG_S)
        _wait("the server stopped", lambda: not server.is_running() or server.status() == psutil.STATUS_ZOMBIE)
        _wait("the server's folder removed", lambda: not folder.exists())
    finally:
        if proc.poll() is None:
            proc.kill()
