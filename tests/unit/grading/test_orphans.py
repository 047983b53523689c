"""The orchestrator's orphan reaper: it reaps what a killed jail leaves, and a process that
graded in-process is no subreaper once grading stopped (it would adopt and never reap the
orphans of everything it starts later: the leftover [bwrap] zombies of a test session)."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from harness import systools as tools
from harness.grading.orphans import OrphanReaper, is_subreaper, zombie_children
from harness.grading.watch import kill_uid
from harness.proc.procfs import uid_processes

# A uid no grader uses (DEFAULT_UIDS is 1790000-1799999): grading tests may run beside this one.
UID = 1_899_100


def test_stopping_gives_the_subreaper_flag_back() -> None:
    before = is_subreaper()
    reaper = OrphanReaper(set)
    reaper.start()
    assert is_subreaper()
    reaper.stop()
    assert is_subreaper() == before


def test_settle_reaps_an_orphan_that_dies_after_its_parent() -> None:
    if os.geteuid() != 0:
        pytest.fail("run this test as root")
    reaper = OrphanReaper(set)
    reaper.start()
    try:
        # The shell exits at once; its child, orphaned, is adopted by this process and dies later (5 s:
        # still there when the test looks, however slow the machine).
        subprocess.run([tools.tool("setpriv"), f"--reuid={UID}", f"--regid={UID}", "--clear-groups", "--",
                        "/bin/sh", "-c", "sleep 5 & exit 0"], check=True, env=tools.ROOT_ENV)
        assert [uid for _, uid in uid_processes()].count(UID) == 1
        assert reaper.settle({UID}, timeout_s=30) == []
        assert UID not in {uid for _, uid in uid_processes()}
        assert zombie_children(os.getpid()) == []
    finally:
        reaper.stop()


def test_settle_names_what_it_cannot_end() -> None:
    if os.geteuid() != 0:
        pytest.fail("run this test as root")
    reaper = OrphanReaper(set)
    proc = subprocess.Popen([tools.tool("setpriv"), f"--reuid={UID + 1}", f"--regid={UID + 1}", "--clear-groups",
                             "--", "/bin/sleep", "30"], env=tools.ROOT_ENV)
    try:
        # setpriv changes its uid, then execs sleep: wait for the process to be the uid's.
        deadline = time.monotonic() + 30
        while (proc.pid, UID + 1) not in set(uid_processes()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reaper.settle({UID + 1}, timeout_s=0.3) == [proc.pid]
    finally:
        proc.kill()
        proc.wait()


def test_end_leaves_nothing_of_a_uid_whose_processes_keep_forking() -> None:
    """A loop that forks as fast as it can: what a kill misses is killed again."""
    if os.geteuid() != 0:
        pytest.fail("run this test as root")
    reaper = OrphanReaper(set)
    reaper.start()
    uid = UID + 2
    try:
        subprocess.run([tools.tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
                        "/bin/sh", "-c", "(while :; do /bin/sleep 30 & done) >/dev/null 2>&1 & exit 0"],
                       check=True, env=tools.ROOT_ENV)
        assert reaper.end({uid}, kill_uid, timeout_s=30) == []
        assert uid not in {u for _, u in uid_processes()}
        assert zombie_children(os.getpid()) == []
    finally:
        kill_uid(uid)
        reaper.stop()
