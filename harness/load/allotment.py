"""The CPU a run may use: the CPUs it may run on and its cgroup's CPU quota.

os.cpu_count() and /proc/stat's first line count every core of the host. A run pinned to
some of them (taskset, a container's --cpuset-cpus, a CI runner's cpuset) or held to a quota
(a container's --cpus, a Kubernetes limit: cgroup v2 cpu.max) cannot use the rest, and their
idle time is no room of its own: a load verdict that read it as such would call a correct app
slow on a machine that gave it one core of two. So the machine a load measures is this
allotment: the CPUs in the process's affinity (their own lines of /proc/stat), and, where a
quota is tighter than those, what the quota's cgroup used of it (its cpu.stat).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Allotment:
    cpus: frozenset[int] | None  # the CPUs it may run on; None: all of them (or unknown)
    quota: float | None  # the tightest cpu.max on its way to the root, in cores; None: no quota
    quota_group: Path | None  # the cgroup that sets it (its cpu.stat counts what shares it)
    quota_path: str | None = None  # the same as /proc/<pid>/cgroup names it: "/docker/<id>" ("" the root)

    def shares_quota(self, cgroup_line: str) -> bool:
        """Whether a process whose cgroup v2 path is this ("/a/b") is held by the same quota."""
        if self.quota_path is None:
            return True
        mine = self.quota_path.rstrip("/")
        return cgroup_line == mine or cgroup_line.startswith(mine + "/") or mine == ""

    @property
    def cpu_count(self) -> int:
        return len(self.cpus) if self.cpus else (os.cpu_count() or 1)

    @property
    def cores(self) -> float:
        return min(float(self.cpu_count), self.quota) if self.quota else float(self.cpu_count)

    @property
    def held_by_quota(self) -> bool:
        """Whether the quota, not the CPUs, is the limit (and so the quota group's count is the machine)."""
        return self.quota is not None and self.quota_group is not None and self.quota < self.cpu_count


def _affinity(proc: Path) -> frozenset[int] | None:
    try:
        mine = frozenset(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None
    online = {line.split()[0][3:] for line in _stat_lines(proc) if line.startswith("cpu") and line[3:4].isdigit()}
    return None if not mine or {str(n) for n in mine} >= online else mine


def _stat_lines(proc: Path) -> list[str]:
    try:
        return (proc / "stat").read_text().splitlines()
    except OSError:
        return []


def _own_group(proc: Path, root: Path) -> Path | None:
    """This process's cgroup v2 folder (the `0::/path` line), or None on v1 or without cgroups."""
    try:
        lines = (proc / "self" / "cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("0::"):
            return root / line[3:].strip().lstrip("/")
    return None


def _quota(group: Path | None, root: Path) -> tuple[float | None, Path | None]:
    """The tightest `cpu.max` from `group` up to the root, in cores, and the group that sets it."""
    best: tuple[float | None, Path | None] = (None, None)
    while group is not None and (group == root or root in group.parents):
        try:
            quota, period = (group / "cpu.max").read_text().split()[:2]
            if quota != "max" and int(period) > 0:
                cores = int(quota) / int(period)
                if best[0] is None or cores < best[0]:
                    best = (cores, group)
        except (OSError, ValueError):
            pass
        group = group.parent if group != root else None
    return best


def read(proc: Path = Path("/proc"), root: Path = CGROUP_ROOT) -> Allotment:
    quota, group = _quota(_own_group(proc, root), root)
    path = None
    if group is not None:
        path = "" if group == root else "/" + str(group.relative_to(root))
    return Allotment(_affinity(proc), quota, group, path)


@functools.cache
def current() -> Allotment:
    """This process's allotment (read once: a run does not move between cpusets)."""
    return read()


def usable_cores() -> float:
    """How many cores' worth of CPU this process may use (at least a tenth of one)."""
    return max(current().cores, 0.1)


def machine_ticks(allotment: Allotment, proc: Path) -> list[int]:
    """/proc/stat's user nice system idle iowait irq softirq steal, summed over the CPUs this run
    may use (the first line where it may use them all)."""
    total = [0] * 8
    for line in _stat_lines(proc):
        words = line.split()
        if not words or not words[0].startswith("cpu"):
            continue
        number = words[0][3:]
        wanted = number == "" if allotment.cpus is None else number.isdigit() and int(number) in allotment.cpus
        if wanted:
            try:
                values = [int(v) for v in words[1:9]]
            except ValueError:
                continue
            total = [a + b for a, b in zip(total, values + [0] * (8 - len(values)), strict=True)]
    return total


def quota_usage_us(allotment: Allotment) -> int | None:
    """What the quota's cgroup has used so far (usage_usec of its cpu.stat), where the quota is the limit."""
    if not allotment.held_by_quota or allotment.quota_group is None:
        return None
    try:
        for line in (allotment.quota_group / "cpu.stat").read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "usage_usec":
                return int(value)
    except (OSError, ValueError):
        return None
    return None
