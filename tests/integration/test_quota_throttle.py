"""A quota of the app's own, read from a real cgroup: a busy process the run started, held to a
twentieth of a CPU as `harness grade` holds a submission (harness/grading/cgroups.py), shows in
the load's CPU split as stopped by its quota in most periods (harness/load/cgroupcpu.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from harness.grading.cgroups import Group, Hierarchy
from harness.load import cpusplit

PERIODS = 10  # enforcement periods of 100 ms the busy process must have run in between the snapshots


@pytest.fixture
def group() -> Iterator[Group]:
    """A real cgroup of its own (removed after the test), as harness grade makes one."""
    # As the grading tests: CI runs as root with cgroups, and a missing one fails, never skips.
    hierarchy = Hierarchy.detect()
    if hierarchy is None or os.geteuid() != 0:
        pytest.fail("needs root and the cgroup controllers harness grade uses: run this test as root")
    # Not under harness grade's prefix: the grading tests beside this one count its groups as theirs.
    top = hierarchy.root_group(f"harness-quota-test-{os.getpid()}")
    try:
        yield top.child("run")
    finally:
        top.remove()


def test_a_process_held_by_its_own_quota_shows_as_throttled_in_the_split(group: Group) -> None:
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        group.cpu_quota(0.05)
        for procs in group.procs_files():
            procs.write_text(str(busy.pid))
        before = cpusplit.snapshot()
        # Wait for periods to pass, not for a time: a busy machine gives the process fewer.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            after = cpusplit.snapshot()
            counts = [(now.periods - then.periods) for key, now in after.throttles.items()
                      if (then := before.throttles.get(key)) is not None]
            if counts and max(counts) >= PERIODS:
                break
            time.sleep(0.2)
        split = cpusplit.split(before, after)
    finally:
        busy.kill()
        busy.wait()
    held = split.get("app_quota")
    assert held is not None, split
    assert held["cores"] == 0.05
    # It wants a whole core and may use a twentieth of one: nearly every period ends in throttling.
    assert held["throttled_percent"] >= 50, held
    assert "the app held to a CPU quota of its own (0.05 cores = 5%)" in cpusplit.describe(split)


def test_a_run_started_inside_a_quota_counts_the_quota_as_its_cores(group: Group) -> None:
    # The harness itself in a group held to half a CPU (a CI runner's or a container's quota, on
    # this machine's cgroup version): its load verdicts must count half a core, not the host's.
    group.cpu_quota(0.5)
    joins = " ".join(f"echo $$ > {procs};" for procs in group.procs_files())
    script = "from harness.load import allotment; print(allotment.usable_cores())"
    out = subprocess.run(["sh", "-c", f'{joins} exec "$0" -c "$1"', sys.executable, script],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert float(out.strip()) == 0.5, out
