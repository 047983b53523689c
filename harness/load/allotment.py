"""The CPU a run may use: the CPUs it may run on and its cgroup's CPU quota.

os.cpu_count() and /proc/stat's first line count every core of the host. A run pinned to
some of them (taskset, a container's --cpuset-cpus, a CI runner's cpuset) or held to a quota
(a container's --cpus, a Kubernetes limit: cgroup v2's cpu.max or v1's CFS quota,
cgroupcpu.py) cannot use the rest, and their idle time is no room of its own: a load verdict
that read it as such would call a correct app slow on a machine that gave it one core of two.
So the machine a load measures is this allotment: the CPUs in the process's affinity (their
own lines of /proc/stat), and, where a quota is tighter than those, what the quota's cgroup
used of it (its CPU counter).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from harness.load.cgroupcpu import CGROUP_ROOT, CpuGroup, group_of_pid, tightest_quota


@dataclass(frozen=True)
class Allotment:
    cpus: frozenset[int] | None  # the CPUs it may run on; None: all of them (or unknown)
    quota: float | None  # the tightest CPU quota on its way to the root, in cores; None: no quota
    quota_group: CpuGroup | None  # the cgroup that sets it (its counter says what shares it used)

    @property
    def quota_path(self) -> str | None:
        """The quota's group as /proc/<pid>/cgroup names it: "/docker/<id>" ("" the root)."""
        return None if self.quota_group is None else self.quota_group.path

    def shares_quota(self, group: CpuGroup | None) -> bool:
        """Whether a process in this group is held by the same quota (is in its group or below)."""
        if self.quota_group is None:
            return True
        return group is not None and self.quota_group.contains(group)

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


def read(proc: Path = Path("/proc"), root: Path = CGROUP_ROOT) -> Allotment:
    found = tightest_quota(group_of_pid("self", proc, root))
    return Allotment(_affinity(proc), *(found or (None, None)))


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
    return allotment.quota_group.usage_us()
