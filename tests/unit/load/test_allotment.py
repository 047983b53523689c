"""The CPU a load measures against: the CPUs the run may use and its cgroup's quota, not the
host's cores (a run pinned to one core of two, or a container held to one CPU, has no idle
core to spare however idle the other one is)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harness.load import allotment, blame, cpusplit
from harness.load.allotment import Allotment
from harness.load.cgroupcpu import CpuGroup

from .test_cpusplit import _fake_process


def _proc(tmp_path: Path, stat: str, cgroup: str = "0::/ci/job\n") -> Path:
    proc = tmp_path / "proc"
    (proc / "self").mkdir(parents=True, exist_ok=True)
    (proc / "stat").write_text(stat)
    (proc / "self" / "cgroup").write_text(cgroup)
    return proc


def _group(root: Path, path: str, cpu_max: str | None = None, usage_us: int | None = None) -> Path:
    group = root / path.strip("/") if path.strip("/") else root
    group.mkdir(parents=True, exist_ok=True)
    if cpu_max is not None:
        (group / "cpu.max").write_text(cpu_max + "\n")
    if usage_us is not None:
        (group / "cpu.stat").write_text(f"usage_usec {usage_us}\nuser_usec 0\nsystem_usec 0\n")
    return group


def test_the_tightest_quota_on_the_way_to_the_root_is_the_limit(tmp_path: Path) -> None:
    proc = _proc(tmp_path, "cpu 0 0 0 0 0 0 0 0\n")
    root = tmp_path / "cgroup"
    _group(root, "", "max 100000")
    ci = _group(root, "ci", "150000 100000")  # a runner held to 1.5 CPUs
    _group(root, "ci/job", "max 100000")
    found = allotment.read(proc, root)
    assert found.quota == 1.5 and found.quota_group is not None and found.quota_group.folder == ci
    assert found.quota_path == "/ci"
    assert found.shares_quota(CpuGroup("v2", root, "/ci/job/app")) and found.shares_quota(CpuGroup("v2", root, "/ci"))
    assert not found.shares_quota(CpuGroup("v2", root, "/cix")) and not found.shares_quota(None)


def _v1(root: Path, path: str, quota_us: int = -1, usage_ns: int | None = None) -> Path:
    """A group in v1's cpu hierarchy (with its cpuacct twin), as on this Debian machine."""
    cpu = root / "cpu" / path.strip("/")
    cpu.mkdir(parents=True, exist_ok=True)
    (cpu / "cpu.cfs_quota_us").write_text(f"{quota_us}\n")
    (cpu / "cpu.cfs_period_us").write_text("100000\n")
    (cpu / "cpu.stat").write_text("nr_periods 0\nnr_throttled 0\nthrottled_time 0\n")
    acct = root / "cpuacct" / path.strip("/")
    acct.mkdir(parents=True, exist_ok=True)
    if usage_ns is not None:
        (acct / "cpuacct.usage").write_text(f"{usage_ns}\n")
    return cpu


def test_cgroup_v1_quotas_count_as_v2_ones(tmp_path: Path) -> None:
    # A hybrid host: the unified line names no controller, the cpu controller is on v1.
    proc = _proc(tmp_path, "cpu 0 0 0 0 0 0 0 0\n", cgroup="4:cpu:/ci/job\n3:cpuacct:/ci/job\n0::/\n")
    root = tmp_path / "cgroup"
    _v1(root, "")
    ci = _v1(root, "ci", quota_us=50_000, usage_ns=2_500_000_000)  # half a CPU
    _v1(root, "ci/job")
    found = allotment.read(proc, root)
    assert found.quota == 0.5 and found.quota_group is not None and found.quota_group.folder == ci
    assert found.held_by_quota and allotment.quota_usage_us(found) == 2_500_000
    assert found.shares_quota(CpuGroup("v1", root / "cpu", "/ci/job/app"))
    assert not found.shares_quota(CpuGroup("v2", root, "/ci/job"))


def test_inside_a_v1_container_the_mount_is_its_own_group(tmp_path: Path) -> None:
    # /proc/self/cgroup names the host's path; the container sees its group at the mount's top.
    proc = _proc(tmp_path, "cpu 0 0 0 0 0 0 0 0\n", cgroup="5:cpu,cpuacct:/docker/" + "a" * 64 + "\n")
    root = tmp_path / "cgroup"
    _v1(root, "", quota_us=100_000)
    found = allotment.read(proc, root)
    assert found.quota == 1.0 and found.quota_path == ""


def test_no_quota_and_no_cgroup_v2_leave_the_cores_as_they_are(tmp_path: Path) -> None:
    proc = _proc(tmp_path, "cpu 0 0 0 0 0 0 0 0\n", cgroup="1:cpu:/x\n")
    found = allotment.read(proc, tmp_path / "cgroup")
    assert (found.quota, found.quota_group) == (None, None)
    assert Allotment(None, None, None).cores == float(os.cpu_count() or 1)
    assert Allotment(frozenset({0}), None, None).cores == 1.0
    assert Allotment(frozenset({0, 1, 2, 3}), 1.5, tmp_path).cores == 1.5
    assert Allotment(frozenset({0, 1, 2, 3}), 1.5, tmp_path).held_by_quota
    assert not Allotment(frozenset({0}), 1.5, tmp_path).held_by_quota


def test_the_affinity_of_a_pinned_process_is_read() -> None:
    mine = sorted(os.sched_getaffinity(0))
    code = ("from harness.load import allotment; "
            "a = allotment.read(); print(sorted(a.cpus or []), a.cores, allotment.usable_cores())")
    out = subprocess.run(["taskset", "-c", str(mine[0]), sys.executable, "-c", code], capture_output=True,
                         text=True, check=True).stdout.split()
    # Pinned to one CPU of several, that one is the run's; on a machine of one, all of them (None).
    assert out[0] == (f"[{mine[0]}]" if len(mine) > 1 else "[]") and float(out[-1]) == 1.0


def test_a_pinned_run_counts_only_its_own_cpus(tmp_path: Path) -> None:
    # CPU 0 the run's, saturated; CPU 1 idle but not the run's to use.
    proc = _proc(tmp_path, "cpu 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0\n")
    pinned = Allotment(frozenset({0}), None, None)
    before = cpusplit.snapshot(proc, root=10, allotment=pinned)
    _fake_process(proc, 10, 1, ["harness"], 100)
    _fake_process(proc, 12, 10, ["/bin/sh", "-c", "node src/server.js"], 800)
    _fake_process(proc, 20, 1, ["elsewhere"], 900)  # busy on CPU 1: none of the run's CPU
    (proc / "stat").write_text("cpu 1900 0 0 1000 0 0 0 0\ncpu0 950 0 0 50 0 0 0 0\ncpu1 950 0 0 950 0 0 0 0\n")
    after = cpusplit.snapshot(proc, root=10, allotment=pinned)
    after.at = before.at + 10
    found = cpusplit.split(before, after, root=10, proc=proc)
    tick = 100 / cpusplit.TICKS_PER_S / 10
    parties = {p["name"]: p["core_percent"] for p in found["parties"]}
    assert found["cores"] == 1 and found["idle_percent"] == 5.0
    assert parties[cpusplit.OTHER] == round(50 * tick, 1), "only what CPU 0 counted beyond the run's own"
    assert "(1 core = 100%)" in cpusplit.describe(found)


def test_a_run_held_to_a_quota_measures_the_quota(tmp_path: Path) -> None:
    # Two CPUs, a quota of one: its cgroup used 0.95 CPU-s a second, so 5% of the quota was idle,
    # while /proc/stat says half the host's CPU was.
    root = tmp_path / "cgroup"
    group = _group(root, "ci", "100000 100000", usage_us=0)
    proc = _proc(tmp_path, "cpu 0 0 0 0 0 0 0 0\n")
    held = Allotment(None, 1.0, CpuGroup("v2", root, "/ci"))
    before = cpusplit.snapshot(proc, root=10, allotment=held)
    _fake_process(proc, 10, 1, ["harness"], 100)
    _fake_process(proc, 12, 10, ["/bin/sh", "-c", "node src/server.js"], 800)
    _fake_process(proc, 20, 1, ["next door"], 500)  # another cgroup: not the quota's
    (proc / "20" / "cgroup").write_text("0::/other\n")
    _fake_process(proc, 21, 1, ["in the job"], 20)
    (proc / "21" / "cgroup").write_text("0::/ci/job\n")
    (proc / "stat").write_text("cpu 1000 0 0 1000 0 0 0 0\n")
    (group / "cpu.stat").write_text(f"usage_usec {int(9.5e6)}\n")
    after = cpusplit.snapshot(proc, root=10, allotment=held)
    after.at = before.at + 10
    found = cpusplit.split(before, after, root=10, proc=proc)
    assert found["cores"] == 1 and found["idle_percent"] == 5.0 and found["steal_percent"] == 0
    parties = {p["name"]: p["core_percent"] for p in found["parties"]}
    tick = 100 / cpusplit.TICKS_PER_S / 10
    # 950 ticks busy in the quota: the run's 900, "in the job" 20, and 30 ended or unseen
    assert parties[cpusplit.OTHER] == round(50 * tick, 1)


def test_a_pinned_run_that_missed_on_its_saturated_core_is_not_the_generators_alone() -> None:
    # As measured with the suite pinned to one CPU of two: the app within its allowance, the one
    # core it had full. Read over the host, 49% idle made it "the generator hit a limit of its own".
    split = {"cores": 1.0, "idle_percent": 2.0, "steal_percent": 0.0, "parties": [],
             "sides": {cpusplit.APP_SIDE: 73.0, cpusplit.SERVICES_SIDE: 12.0, cpusplit.HARNESS_SIDE: 16.0,
                       cpusplit.OUTSIDE: 3.0}}
    found = blame.blame(split, {"achieved_rps": 788.0, "target_rps": 1000.0}, budget_ms=1.4)
    assert found.party == blame.MACHINE
    assert "1 core is not enough for this rate" in found.reason
