"""cgroup v1 and v2 behind one interface, on fake hierarchies (the kernel's files are plain files here)."""

from __future__ import annotations

from pathlib import Path

from harness.grading.cgroups import PREFIX, Hierarchy

V1 = ("memory", "pids", "cpu", "cpuacct")


def _v1(tmp_path: Path) -> tuple[Path, Path]:
    mount = tmp_path / "cgroup"
    for controller in V1:
        (mount / controller / "lab").mkdir(parents=True)
    self_cgroup = tmp_path / "self"
    self_cgroup.write_text("4:memory:/lab\n8:pids:/\n1:cpu:/\n2:cpuacct:/\n0::/\n")
    return mount, self_cgroup


def test_v1_nests_under_our_own_group_per_controller(tmp_path: Path) -> None:
    mount, self_cgroup = _v1(tmp_path)
    hierarchy = Hierarchy.detect(mount, self_cgroup)
    assert hierarchy is not None and hierarchy.version == "v1"
    assert hierarchy.bases["memory"] == mount / "memory" / "lab" and hierarchy.bases["pids"] == mount / "pids"
    group = hierarchy.root_group(f"{PREFIX}t").child("0001").child("run")
    group.limit(memory_bytes=256 * 2**20, pids=64, cpus=0.5)
    memory = mount / "memory" / "lab" / f"{PREFIX}t" / "0001" / "run"
    assert (memory / "memory.limit_in_bytes").read_text() == str(256 * 2**20)
    assert (mount / "pids" / f"{PREFIX}t" / "0001" / "run" / "pids.max").read_text() == "64"
    assert (mount / "cpu" / f"{PREFIX}t" / "0001" / "run" / "cpu.cfs_quota_us").read_text() == "50000"
    assert len(group.procs_files()) == 4
    assert hierarchy.leftovers() == sorted(mount / c / ("lab" if c == "memory" else "") / f"{PREFIX}t"
                                           for c in V1)


def test_v1_usage(tmp_path: Path) -> None:
    mount, self_cgroup = _v1(tmp_path)
    hierarchy = Hierarchy.detect(mount, self_cgroup)
    assert hierarchy is not None
    group = hierarchy.root_group(f"{PREFIX}u")
    (group.paths["memory"] / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")
    (group.paths["pids"] / "pids.events").write_text("max 7\n")
    (group.paths["cpuacct"] / "cpuacct.usage").write_text("2500000000\n")
    (group.paths["memory"] / "memory.max_usage_in_bytes").write_text("1048576\n")
    usage = group.usage()
    assert (usage.oom_kills, usage.pids_max_hits, usage.cpu_s, usage.memory_peak_bytes) == (2, 7, 2.5, 1048576)


def test_v2_one_tree_under_the_root_with_controllers_delegated(tmp_path: Path) -> None:
    mount = tmp_path / "cgroup"
    mount.mkdir()
    (mount / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    hierarchy = Hierarchy.detect(mount, tmp_path / "none")
    assert hierarchy is not None and hierarchy.version == "v2"
    root = hierarchy.root_group(f"{PREFIX}v")
    assert (mount / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    run = root.child("run")
    run.limit(memory_bytes=1000, pids=10, cpus=2)
    assert (run.paths["v2"] / "memory.max").read_text() == "1000"
    assert (run.paths["v2"] / "cpu.max").read_text() == "200000 100000"
    (run.paths["v2"] / "memory.events").write_text("low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n")
    (run.paths["v2"] / "pids.events").write_text("max 0\n")
    (run.paths["v2"] / "cpu.stat").write_text("usage_usec 1500000\nuser_usec 1\n")
    usage = run.usage()
    assert (usage.oom_kills, usage.pids_max_hits, usage.cpu_s) == (1, 0, 1.5)


def test_v2_without_the_controllers_is_not_usable(tmp_path: Path) -> None:
    (tmp_path / "cgroup.controllers").write_text("cpuset io\n")
    assert Hierarchy.detect(tmp_path, tmp_path / "none") is None


def test_no_cgroups_at_all(tmp_path: Path) -> None:
    assert Hierarchy.detect(tmp_path, tmp_path / "none") is None


def test_pids_of_a_group_and_its_children(tmp_path: Path) -> None:
    mount, self_cgroup = _v1(tmp_path)
    hierarchy = Hierarchy.detect(mount, self_cgroup)
    assert hierarchy is not None
    root = hierarchy.root_group(f"{PREFIX}p")
    (root.paths["pids"] / "cgroup.procs").write_text("")
    child = root.child("run")
    (child.paths["pids"] / "cgroup.procs").write_text("999999999\n")
    assert root.pids() == {999999999}
