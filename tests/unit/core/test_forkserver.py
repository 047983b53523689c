"""The fork server the suite's harness runs go through (tests/support/forkserver.py): a forked
run must look to the harness as a started interpreter does, or the suite would prove a harness
nobody runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import forkserver
from tests.support.forkserver import ForkServer

PROBE = "tests.unit.core.forkprobe"


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    started = ForkServer()
    yield started
    started.stop()


def test_a_run_gets_the_callers_argv_cwd_environment_and_exit_status(server: ForkServer, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    ran = server.run([str(marker)], cwd=tmp_path, env={**os.environ, "PROBE": "yes"}, timeout=60, module=PROBE)
    assert ran is not None
    code, out, err, cpu_s = ran
    assert cpu_s >= 0
    seen = json.loads(out.splitlines()[0])
    assert code == 3
    assert seen == {"argv": [str(marker)], "cwd": str(tmp_path), "path0": str(tmp_path), "probe": "yes",
                    "stdin": "", "sigint_default": True, "sigterm_default": True, "main": "__main__"}
    assert err == "to stderr\n"
    # As the interpreter ends: its threads joined, then its atexit functions.
    assert marker.read_text() == "thread joined" and out.splitlines()[1:] == ["atexit ran"]


def test_the_environment_of_one_run_does_not_reach_the_next(server: ForkServer, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PROBE"}
    ran = server.run([str(tmp_path / "m")], cwd=tmp_path, env=env, timeout=60, module=PROBE)
    assert ran is not None and json.loads(ran[1].splitlines()[0])["probe"] is None


def test_a_run_past_its_timeout_is_killed(server: ForkServer, tmp_path: Path) -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        server.run(["sleep"], cwd=tmp_path, env=dict(os.environ), timeout=1, module=PROBE)


def test_a_server_that_cannot_be_reached_runs_nothing_and_says_so(tmp_path: Path) -> None:
    gone = ForkServer()
    gone.stop()
    assert not gone.accepts(dict(os.environ))
    assert gone.run(["labs"], cwd=tmp_path, env=dict(os.environ), timeout=60) is None


def test_an_environment_the_interpreter_reads_at_start_gets_a_subprocess(server: ForkServer) -> None:
    assert server.accepts(dict(os.environ))
    assert not server.accepts({**os.environ, "PYTHONWARNINGS": "error"})
    assert not server.accepts({**os.environ, "LC_ALL": "C" if os.environ.get("LC_ALL") != "C" else "C.UTF-8"})


def test_the_harness_runs_through_it_as_from_its_command_line(tmp_path: Path) -> None:
    env = dict(os.environ)
    via = forkserver.server_for(env)
    assert via is not None
    forked = via.run(["check", "week-18"], cwd=tmp_path, env=env, timeout=60)
    started = subprocess.run([sys.executable, "-m", "harness.cli", "check", "week-18"], cwd=tmp_path,
                             capture_output=True, text=True, env=env, timeout=60)
    assert forked is not None and forked[:3] == (started.returncode, started.stdout, started.stderr)
    assert "harness.toml: not found" in forked[2]


def test_only_the_callers_account_may_reach_the_socket(server: ForkServer) -> None:
    # The grading tests run as root: another account (a submission's) must not get root's runs.
    assert server.folder.stat().st_mode & 0o777 == 0o700
