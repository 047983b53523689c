"""postgres/week-15's scenario (real PostgreSQL): what a defect overlay cannot prove. A run stopped
while failover.sh runs (node1 killed, its folder kept for rejoin.sh; node2 running) leaves neither
the script, nor node2, nor either server's folder, after Ctrl-C and after a killed harness; in
Docker mode, where each of them is a container, no container either. (Under `harness grade`,
tests/grading/test_grade_failover.py proves the same of the submission's jail.)"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from harness.services import scratch
from tests.support.projects import ROOT, default_sigint, materialize
from tests.support.waiting import HANG_S, postmaster_on, script_running, wait_for


def _folder(postmaster: psutil.Process) -> Path:
    cmdline = postmaster.cmdline()
    return Path(cmdline[cmdline.index("-D") + 1]).parent


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_both_servers_the_script_and_the_folders_are_gone_after_ctrl_c_or_a_killed_harness(
        tmp_path: Path, how: signal.Signals, services_mode: str) -> None:
    project = materialize("postgres", "week-15", tmp_path / "reference")
    # The whole temporary path: the other signal's case may run at once on another worker.
    marker = f"# cleanup-test {tmp_path}"
    setup = project / "setup-standby.sh"
    setup.write_text(f'{setup.read_text()}{marker}\necho "$PRIMARY_PORT" > "$HOME/primary-port"\n')
    (project / "failover.sh").write_text(f'{marker}\necho "$STANDBY_PORT" > "$HOME/standby-port"\nsleep 300\n')
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "check", "week-15", "--track", "postgres",
                             "--project", str(project), "--only", "pg.ha.promoted", "--services", services_mode],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=default_sigint)
    try:
        # node1's folder, found while it runs: setup-standby.sh (this test's, by its marker) wrote
        # node1's port in node2's folder.
        # The servers' folders are in memory where the machine has room (harness/services/scratch.py).
        parents = {Path(tempfile.gettempdir()), Path(scratch.cluster_parent() or tempfile.gettempdir())}
        port_file = wait_for("setup-standby.sh wrote node1's port", lambda: next(
            (p for parent in parents for p in parent.glob("harness-pg-*/primary-port")
             if _ours(p, marker) and p.read_text().strip()), None))
        node1_folder = _folder(wait_for("node1", lambda: postmaster_on(port_file.read_text().strip())))
        script = wait_for("failover.sh started", lambda: script_running("failover.sh", marker))
        home = Path(script.cmdline()[1]).parent
        port = wait_for("failover.sh wrote node2's port", lambda: (home / "standby-port").is_file() and
                        (home / "standby-port").read_text().strip())
        node2 = wait_for("node2", lambda: postmaster_on(str(port)))
        node2_folder = _folder(node2)
        # Waited for, not read once: a backend node1 forked just before its SIGKILL shows node1's
        # command line until it renames itself or sees its postmaster gone (an orphan, its parent no
        # longer node1, which _forked_copy cannot tell). Had node1 not been killed, it would outlive
        # the wait: failover.sh sleeps.
        wait_for("node1 killed before failover.sh ran", lambda: not postmaster_on(port_file.read_text().strip()))
        assert (node1_folder / "data").is_dir(), "node1's folder is kept for rejoin.sh"
        # Docker mode: node2 and the script are containers of the run (pg_container.py).
        containers = _containers_of(node2_folder, home) if services_mode == "docker" else []
        assert services_mode == "local" or len(containers) == 2, containers
        proc.send_signal(how)
        proc.wait(timeout=HANG_S)
        for what, gone in (("failover.sh", script), ("node2", node2)):
            wait_for(f"{what} stopped",
                     lambda p=gone: not p.is_running() or p.status() == psutil.STATUS_ZOMBIE)  # type: ignore[misc]
        wait_for("the folders removed", lambda: not node1_folder.exists() and not node2_folder.exists())
        # Local mode made none, and needs no Docker engine to say so.
        wait_for("the containers removed",
                 lambda: not containers or not set(containers) & set(_containers_of(node2_folder, home)))
    finally:
        if proc.poll() is None:
            proc.kill()


def _containers_of(*folders: Path) -> list[str]:
    """The ids of the running or stopped containers whose command names one of the folders."""
    out = subprocess.run(["docker", "ps", "-a", "--no-trunc", "--filter", "label=harness.pg-run", "--format",
                          "{{.ID}}\t{{.Command}}"], capture_output=True, text=True, check=True, timeout=60)
    lines = (line.split("\t", 1) for line in out.stdout.splitlines() if "\t" in line)
    return [ident for ident, command in lines if any(str(folder) in command for folder in folders)]


def _ours(port_file: Path, marker: str) -> bool:
    try:
        return marker in (port_file.parent / "setup-standby.sh").read_text()
    except OSError:
        return False
