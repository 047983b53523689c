"""week-08's pair (real PostgreSQL): what a defect overlay cannot prove. When grading, the primary
refuses the superuser the standby sees a login of, and the scratch folder inside the project
follows no link (tests/grading/test_grade_replica.py grades the lab in the jail). The starter's
script fails pg.replica.streaming with its own output and skips the rest; a run stopped while
the script runs (Ctrl-C, a killed harness) leaves neither the script, nor the primary, nor their
folders."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import psycopg
import pytest

from harness.outcomes import Failure, Passed, Skip
from harness.proc.reaper import Reaper
from harness.services.base import Mode, ServiceSettings
from harness.services.postgres import SUPERUSER, start_local
from harness.validators.postgres.replica import jailed
from harness.validators.postgres.replica_pair import PRIMARY_OPTIONS
from harness.validators.postgres.server import HARNESS_OPTIONS
from tests.support.projects import ROOT, default_sigint, materialize
from tests.support.waiting import HANG_S, postmaster_on, script_running, wait_for
from tests.unit.postgres.direct import run_check

_run = run_check


def test_the_primary_refuses_the_superuser_the_standby_sees_a_login_of(tmp_path: Path) -> None:
    """Grading: the harness logs into the learner's standby as `harness`, whose verifier the standby
    holds; take_over gives the primary another superuser and refuses `harness` there."""
    reaper = Reaper()
    reaper.start()
    primary = start_local(ServiceSettings(mode=Mode.LOCAL, run_id="rtest", reaper=reaper), options=PRIMARY_OPTIONS)
    try:
        url, standby_password = jailed.take_over(primary, HARNESS_OPTIONS)
        with psycopg.connect(url, autocommit=True) as conn:
            assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (True,)
        for database in ("postgres", "replication"):
            with pytest.raises(psycopg.OperationalError, match=r"pg_hba\.conf rejects"):
                psycopg.connect(host="127.0.0.1", port=primary.port, user=SUPERUSER, password=standby_password,
                                dbname="postgres", replication="true" if database == "replication" else None,
                                connect_timeout=10)
    finally:
        primary.stop()
        reaper.close()


def test_the_scratch_folder_follows_no_link_the_submission_ships(tmp_path: Path) -> None:
    """The harness makes and removes <project>/.harness/replica as root (grading): a .harness that is
    a link elsewhere is replaced, never written through, and nothing is left afterwards."""
    if os.geteuid() != 0:
        pytest.fail("run this test as root (it hands the folder to another uid, as grading does)")
    project = tmp_path / "project"
    project.mkdir()
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "replica").mkdir(parents=True)
    (project / ".harness").symlink_to(elsewhere)
    os.chown(project, 4242, 4242)
    scratch = jailed.Scratch(project)
    assert not (project / ".harness").is_symlink() and list((elsewhere / "replica").iterdir()) == []
    script = scratch.write("setup-replica.sh", "echo hi\n")
    assert (script.stat().st_uid, script.stat().st_mode & 0o777) == (4242, 0o600)
    assert (scratch.path / "data").stat().st_uid == 4242 and not scratch.has_cluster()
    (scratch.path / "data" / "PG_VERSION").symlink_to("/etc/hostname")
    assert not scratch.has_cluster(), "a link is no cluster"
    with pytest.raises(FileExistsError):
        scratch.write("setup-replica.sh", "again")
    scratch.remove()
    assert list(project.iterdir()) == [] and elsewhere.is_dir()


def test_the_starter_fails_streaming_with_its_output_and_skips_the_rest(tmp_path: Path) -> None:
    project = tmp_path / "starter"
    project.mkdir()
    starter = ROOT / "labs" / "postgres" / "week-08-replication" / "starter" / "setup-replica.sh"
    (project / "setup-replica.sh").write_text(starter.read_text())
    streaming = _run("pg.replica.streaming", project)
    assert isinstance(streaming, Failure) and "left no cluster" in streaming.message, streaming
    assert streaming.evidence is not None and "TODO" in streaming.evidence
    skipped = _run("pg.replica.visible", project)
    assert isinstance(skipped, Skip) and "pg.replica.streaming" in skipped.reason


def _edit(project: Path, find: str, replace: str) -> None:
    script = project / "setup-replica.sh"
    text = script.read_text()
    assert text.count(find) == 1
    script.write_text(text.replace(find, replace))


def test_a_copy_without_standby_signal_fails_streaming_at_once_and_skips_the_rest(tmp_path: Path) -> None:
    project = materialize("postgres", "week-08", tmp_path / "reference")
    _edit(project, "-c fast -R -C", "-c fast -C")
    started = time.monotonic()
    streaming = _run("pg.replica.streaming", project)
    assert isinstance(streaming, Failure) and "primary of its own" in streaming.message, streaming
    assert time.monotonic() - started < 30, "a copy that is no standby fails without the streaming wait"
    skipped = _run("pg.replica.slot_keeps_wal", project)
    assert isinstance(skipped, Skip) and "pg.replica.streaming" in skipped.reason


def test_feedback_alone_keeps_a_read_once_the_primary_has_heard_of_it(tmp_path: Path) -> None:
    """No delay at all, and hot_standby_feedback with its default interval (10 s): a read begun
    just before the primary's cleanup is kept, as on a standby in service (the check waits until the
    primary holds back for the read's snapshot; a reload makes the standby tell it at once)."""
    project = materialize("postgres", "week-08", tmp_path / "reference")
    _edit(project, "max_standby_streaming_delay = 30s\nwal_receiver_status_interval = 1s\n",
          "max_standby_streaming_delay = 0\nhot_standby_feedback = on\n")
    read_only = _run("pg.replica.read_only", project)
    assert isinstance(read_only, Passed), read_only
    assert "(hot_standby_feedback)" in read_only.message, read_only


def test_hot_standby_off_fails_read_only_and_skips_the_reads(tmp_path: Path) -> None:
    project = materialize("postgres", "week-08", tmp_path / "reference")
    _edit(project, "hot_standby = on", "hot_standby = off")
    read_only = _run("pg.replica.read_only", project)
    assert isinstance(read_only, Failure) and "takes no connections" in read_only.message, read_only
    assert read_only.actual is not None and "Hot standby mode is disabled" in read_only.actual
    skipped = _run("pg.replica.visible", project)
    assert isinstance(skipped, Skip) and "pg.replica.read_only" in skipped.reason






@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_script_and_primary_are_gone_after_ctrl_c_or_a_killed_harness(tmp_path: Path, how: signal.Signals) -> None:
    project = materialize("postgres", "week-08", tmp_path / "reference")
    # The whole temporary path: the other signal's case may run at once on another worker, where
    # its folder has the same name.
    marker = f"# cleanup-test {tmp_path}"
    (project / "setup-replica.sh").write_text(f'{marker}\necho "$PRIMARY_PORT" > "$HOME/primary-port"\nsleep 300\n')
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "check", "week-08", "--track", "postgres",
                             "--project", str(project), "--only", "pg.replica.streaming"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=default_sigint)
    try:
        script = wait_for("the script started", lambda: script_running("setup-replica.sh", marker))
        folder = Path(script.cmdline()[1]).parent
        port = wait_for("the script wrote the port", lambda: (folder / "primary-port").is_file() and
                     (folder / "primary-port").read_text().strip())
        primary = wait_for("the primary found", lambda: postmaster_on(str(port)))
        primary_folder = Path(primary.cmdline()[primary.cmdline().index("-D") + 1]).parent
        proc.send_signal(how)
        proc.wait(timeout=HANG_S)
        for what, gone in (("script", script), ("primary", primary)):
            wait_for(f"the {what} stopped",
                  lambda p=gone: not p.is_running() or p.status() == psutil.STATUS_ZOMBIE)  # type: ignore[misc]
        wait_for("the folders removed", lambda: not folder.exists() and not primary_folder.exists())
    finally:
        if proc.poll() is None:
            proc.kill()
