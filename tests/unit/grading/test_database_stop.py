"""A submission's database: its cgroups beside the app's, its own account, and naming a server
that stopped mid-run (fake cgroup trees: the kernel's files are plain files here)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from harness.grading.cgroups import PREFIX, Hierarchy, Sharing
from harness.grading.verdicts import GRADER, LIMIT, Signals, Verdict, name_database_stop, name_verdict
from harness.limits import MB, Limits
from harness.proc.reaper import Reaper
from harness.services import users
from harness.services.base import Mode, ServiceSettings
from harness.services.postgres import start_local

LIMITS = Limits(services_memory_bytes=512 * MB, cpu_time_s=5)


def _tree(tmp_path: Path) -> tuple[Hierarchy, Path]:
    mount = tmp_path / "cgroup"
    for controller in ("memory", "pids", "cpu", "cpuacct"):
        (mount / controller).mkdir(parents=True)
    self_cgroup = tmp_path / "self"
    self_cgroup.write_text("4:memory:/\n8:pids:/\n1:cpu:/\n2:cpuacct:/\n")
    hierarchy = Hierarchy.detect(mount, self_cgroup)
    assert hierarchy is not None
    return hierarchy, mount


def test_the_app_and_its_database_share_one_cpu_quota_and_one_cpu_time(tmp_path: Path) -> None:
    hierarchy, mount = _tree(tmp_path)
    run = hierarchy.root_group(f"{PREFIX}t").child("0000").child("run")
    run.cpu_quota(0.5)
    app, db = run.child("app"), run.child("db")
    assert (mount / "cpu" / f"{PREFIX}t" / "0000" / "run" / "cpu.cfs_quota_us").read_text() == "50000"
    # The kernel sums CPU over the subtree in the parent's counter; OOM kills stay the leaf's.
    (run.paths["cpuacct"] / "cpuacct.usage").write_text("4500000000\n")
    (app.paths["cpuacct"] / "cpuacct.usage").write_text("500000000\n")
    (app.paths["memory"] / "memory.oom_control").write_text("oom_kill 1\n")
    (db.paths["memory"] / "memory.oom_control").write_text("oom_kill 3\n")
    (app.paths["memory"] / "cgroup.procs").write_text("101\n")
    (db.paths["memory"] / "cgroup.procs").write_text("202\n203\n")
    shared = Sharing(app, run)
    usage = shared.usage()
    assert (usage.cpu_s, usage.oom_kills) == (4.5, 1)
    assert shared.pids() == {101, 202, 203}, "a limit reached stops the database with the app"
    assert [p.parent.name for p in shared.procs_files()] == ["app"] * 4


def test_cgroup_folders_are_traversable_whatever_the_umask(tmp_path: Path) -> None:
    hierarchy, _ = _tree(tmp_path)
    previous = os.umask(0o077)
    try:
        group = hierarchy.root_group(f"{PREFIX}m").child("0000").child("run")
    finally:
        os.umask(previous)
    assert {oct(p.stat().st_mode & 0o777) for p in group.dirs()} == {"0o755"}


def test_a_confined_server_joins_its_cgroup_as_root_then_drops_to_its_own_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users.os, "geteuid", lambda: 0)
    monkeypatch.setattr(users, "current", lambda: users.Account("postgres", 105, 110))
    env = users.service_environment(1_790_123, ["/cg/memory/x/run/db/cgroup.procs", "/cg/pids/x/run/db/cgroup.procs"])
    run = users.service_run(env)
    assert run.account == users.Account("uid 1790123", 1_790_123, 1_790_123)
    assert run.setup_account() == users.Account("postgres", 105, 110), "initdb needs a passwd entry"
    assert run.start_ids() == (None, None) and run.ids() == (1_790_123, 1_790_123)
    argv = run.wrap(["/usr/lib/postgresql/15/bin/postgres", "-D", "data"])
    assert argv[:2] == ["/bin/sh", "-c"]
    assert "echo $$ > /cg/memory/x/run/db/cgroup.procs && echo $$ > /cg/pids/x/run/db/cgroup.procs" in argv[2]
    assert argv[4].endswith("/setpriv") and argv[4].startswith("/"), "root's tools by absolute path"
    assert argv[5:10] == ["--reuid=1790123", "--regid=1790123", "--clear-groups", "--no-new-privs", "--"]
    assert argv[10:] == ["/usr/lib/postgresql/15/bin/postgres", "-D", "data"]


def test_harness_check_keeps_the_shared_account_unconfined(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "current", lambda: users.Account("postgres", 105, 110))
    run = users.service_run({})
    assert run.account == users.Account("postgres", 105, 110) and not run.confined
    assert run.wrap(["postgres"]) == ["postgres"] and run.start_ids() == (105, 110)


def _named(stopped: str | None, signals: Signals) -> Verdict:
    return name_database_stop(name_verdict(signals, LIMITS), stopped, signals, LIMITS)


def test_a_server_that_did_not_stop_changes_nothing() -> None:
    signals = Signals(crashed_during="rest.shelf.contract", app_exit=3)
    assert _named(None, signals) == name_verdict(signals, LIMITS)


def test_its_database_over_its_memory_limit_is_the_submissions_doing() -> None:
    signals = Signals(oom_kills={"services": 1}, crashed_during="rest.shelf.contract", app_exit=4)
    verdict = _named("server process was terminated by signal 9: Killed", signals)
    assert (verdict.kind, verdict.category) == ("database-memory-limit", LIMIT)
    assert verdict.text == "its database server was stopped: memory limit (512 MB) exceeded"
    assert verdict.also == ("crashed during the checks (exit code 4)",), "the services verdict gives way"


@pytest.mark.parametrize("signals", [Signals(cpu_exceeded={"run": True}), Signals(oom_kills={"run": 1}),
                                     Signals(pids_max_hits={"run": 2}), Signals(wall_clock_exceeded=True),
                                     Signals(interrupted=True)])
def test_stopped_with_the_app_by_the_orchestrator_is_the_limit_that_stopped_them(signals: Signals) -> None:
    assert _named("the server was killed by signal 9", signals) == name_verdict(signals, LIMITS)


def test_a_server_nothing_the_submission_did_explains_is_a_grader_error() -> None:
    signals = Signals(crashed_during="db.sql.parameterized", app_exit=1)
    verdict = _named("the server was killed by signal 9", signals)
    assert (verdict.kind, verdict.category) == ("database-stopped", GRADER)
    assert verdict.text == "grader error: the database server stopped (the server was killed by signal 9)"
    assert verdict.also == ("crashed during the checks (exit code 1)",)


def test_a_grader_error_already_stays_first() -> None:
    signals = Signals(grader_error="the worker ended without a report (exit -9); see grader.log")
    verdict = _named("the server exited with code 1", signals)
    assert verdict.text.startswith("grader error: the worker ended")
    assert verdict.also == ("grader error: the database server stopped (the server exited with code 1)",)


def _until(what: str, value: Callable[[], str | None], timeout_s: float = 30.0) -> str:
    deadline = time.monotonic() + timeout_s
    while (found := value()) is None:
        assert time.monotonic() < deadline, f"{what} within {timeout_s:g} s"
        time.sleep(0.05)
    return found


def test_a_real_server_says_how_it_stopped() -> None:
    """PostgreSQL's own log names a killed server process; a killed postmaster its exit."""
    reaper = Reaper()
    reaper.start()
    try:
        server = start_local(ServiceSettings(mode=Mode.LOCAL, run_id="stops", reaper=reaper))
        try:
            assert server.unexpected_stop() is None
            with psycopg.connect(server.admin_url, autocommit=True) as conn:
                row = conn.execute("SELECT pg_backend_pid()").fetchone()
                assert row is not None
                os.kill(int(row[0]), signal.SIGKILL)
                text = _until("the restart in the log", server.unexpected_stop)
            assert text == "server process was terminated by signal 9: Killed"
        finally:
            server.stop()
        server = start_local(ServiceSettings(mode=Mode.LOCAL, run_id="stops2", reaper=reaper))
        assert server._proc is not None
        os.kill(server._proc.pid, signal.SIGKILL)
        _until("the postmaster's exit", lambda: None if server._proc is None or server._proc.alive() else "")
        server.stop()
        assert server.unexpected_stop() == "the server was killed by signal 9"
        server = start_local(ServiceSettings(mode=Mode.LOCAL, run_id="stops3", reaper=reaper))
        server.stop()
        assert server.unexpected_stop() is None, "a server asked to stop did not stop unexpectedly"
    finally:
        reaper.close()
