"""A check's own server is gone after Ctrl-C mid-check, and after the harness is killed outright
(its cleanup sidecar stops it and removes its folder): real runs of `harness check`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.support.projects import ROOT, default_sigint, materialize
from tests.support.waiting import HANG_S, postmaster_with, wait_for

pytestmark = pytest.mark.slow







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
        server, folder = wait_for("the check's server started", lambda: postmaster_with("conf.d/10-lab.conf", marker))
        assert folder.name.startswith("harness-pg-")
        proc.send_signal(how)
        proc.wait(timeout=HANG_S)
        wait_for("the server stopped", lambda: not server.is_running() or server.status() == psutil.STATUS_ZOMBIE)
        wait_for("the server's folder removed", lambda: not folder.exists())
    finally:
        if proc.poll() is None:
            proc.kill()
