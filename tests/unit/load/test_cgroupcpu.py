"""Quotas on the processes a run started, read from their cgroups (v1 and v2 alike), and how
often they stopped them during a load: fake /proc and cgroup trees (the kernel's files are plain
files here; tests/integration/test_quota_throttle.py reads a real one)."""

from __future__ import annotations

from pathlib import Path

from harness.load import cpusplit
from harness.load.allotment import Allotment
from harness.load.cgroupcpu import CpuGroup, group_of, quotas_holding

from .test_cpusplit import _fake_process


def _v1_group(root: Path, path: str, quota_us: int = -1, periods: int = 0, throttled: int = 0) -> Path:
    folder = root / "cpu" / path.strip("/")
    folder.mkdir(parents=True, exist_ok=True)
    (root / "cpuacct" / path.strip("/")).mkdir(parents=True, exist_ok=True)
    (folder / "cpu.cfs_quota_us").write_text(f"{quota_us}\n")
    (folder / "cpu.cfs_period_us").write_text("100000\n")
    (folder / "cpu.stat").write_text(f"nr_periods {periods}\nnr_throttled {throttled}\nthrottled_time 0\n")
    return folder


def _v1_process(proc: Path, pid: int, parent: int, argv: list[str], path: str, ticks: int = 0) -> None:
    _fake_process(proc, pid, parent, argv, ticks)
    (proc / str(pid) / "cgroup").write_text(f"4:cpu:{path}\n3:cpuacct:{path}\n1:memory:/\n0::/\n")


def test_a_v1_line_names_the_cpu_controllers_group_and_a_v2_line_the_unified_one(tmp_path: Path) -> None:
    root = tmp_path / "cgroup"
    _v1_group(root, "a/b")
    assert group_of("4:cpu,cpuacct:/a/b\n0::/\n", root) == CpuGroup("v1", root / "cpu", "/a/b", root / "cpuacct")
    (root / "x").mkdir()
    assert group_of("0::/x\n", root) == CpuGroup("v2", root, "/x")
    assert group_of("1:memory:/a\n", root) is None


def test_the_jails_quota_on_the_app_is_read_and_the_harnesss_own_is_not(tmp_path: Path) -> None:
    # As `harness grade` lays it out on v1: the submission's run group holds the quota, the app and
    # its database are leaves below it; the harness itself sits in a group with a quota of its own.
    root, proc = tmp_path / "cgroup", tmp_path / "proc"
    _v1_group(root, "")
    _v1_group(root, "ci", quota_us=200_000, periods=10, throttled=9)
    run = _v1_group(root, "ci/harness-grade-x/0001/run", quota_us=100_000, periods=100, throttled=10)
    _v1_group(root, "ci/harness-grade-x/0001/run/app")
    _v1_group(root, "ci/harness-grade-x/0001/run/db")
    (proc / "stat").parent.mkdir(parents=True)
    (proc / "stat").write_text("cpu 0 0 0 0 0 0 0 0\n")
    _v1_process(proc, 10, 1, ["harness"], "/ci")
    _v1_process(proc, 11, 10, ["bwrap", "node", "server.js"], "/ci/harness-grade-x/0001/run/app")
    _v1_process(proc, 12, 10, ["postgres"], "/ci/harness-grade-x/0001/run/db")
    _v1_process(proc, 13, 10, ["python", "-m", "harness.load.worker"], "/ci")
    found = quotas_holding([11, 12, 13], proc, outside=group_of((proc / "10" / "cgroup").read_text(), root),
                           root=root)
    assert list(found) == [str(run)] and found[str(run)].cores == 1.0
    assert (found[str(run)].periods, found[str(run)].throttled) == (100, 10)

    own = Allotment(None, None, None)
    before = cpusplit.snapshot(proc, root=10, allotment=own, cgroups=root)
    # Over the load: 200 periods more, 130 of them throttled (65%).
    (run / "cpu.stat").write_text("nr_periods 300\nnr_throttled 140\nthrottled_time 0\n")
    after = cpusplit.snapshot(proc, root=10, allotment=own, cgroups=root)
    after.at = before.at + 20
    split = cpusplit.split(before, after, root=10, proc=proc)
    assert split["app_quota"] == {"cores": 1.0, "throttled_percent": 65.0}
    assert "the app held to a CPU quota of its own (1 core = 100%), which stopped it in 65% of its periods" \
        in cpusplit.describe(split)


def test_a_run_whose_processes_have_no_quota_of_their_own_says_nothing_of_one(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "stat").write_text("cpu 0 0 0 0 0 0 0 0\n")
    _fake_process(proc, 10, 1, ["harness"], 0)
    _fake_process(proc, 11, 10, ["node", "server.js"], 0)
    own = Allotment(None, None, None)
    before = cpusplit.snapshot(proc, root=10, allotment=own, cgroups=tmp_path / "cgroup")
    after = cpusplit.snapshot(proc, root=10, allotment=own, cgroups=tmp_path / "cgroup")
    assert "app_quota" not in cpusplit.split(before, after, root=10, proc=proc)
