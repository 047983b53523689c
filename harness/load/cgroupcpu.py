"""A process's cgroup in the CPU controller, read alike on cgroup v1 and v2.

A CPU quota holds a process wherever it is set on the way from its cgroup to the root: v2's
`cpu.max` ("150000 100000": 1.5 CPUs), v1's `cpu.cfs_quota_us` over `cpu.cfs_period_us`
(-1: none). The kernel counts, per group, what it used (v2 `cpu.stat` usage_usec; v1 the
cpuacct controller's `cpuacct.usage`, in ns) and how often the quota stopped it: `cpu.stat`'s
nr_periods (enforcement periods in which the group ran) and nr_throttled (those in which it
used its quota up and waited for the next period), on both versions.

/proc/<pid>/cgroup names the group: "0::/a/b" on v2; on v1 one line per hierarchy,
"4:cpu,cpuacct:/a/b", the cpu controller's the one read here (a hybrid host has a "0::" line
too, but no CPU controller on it). Inside a container on v1 the line names the host's path
while the container's mount shows its own group at the top: a path that is not there is the
mount's root.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.proc.cgroupfs import keyed

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


@dataclass(frozen=True)
class CpuGroup:
    version: str  # "v1" or "v2"
    mount: Path  # the cpu controller's mount (v2: the unified hierarchy's)
    path: str  # as /proc/<pid>/cgroup names it, from the mount: "/a/b", "" for its root
    acct_mount: Path | None = None  # v1: the cpuacct controller's mount, where usage is counted

    @property
    def root(self) -> Path:
        """Where the cgroup file systems are mounted (v1: the folder of the controllers' mounts)."""
        return self.mount if self.version == "v2" else self.mount.parent

    @property
    def folder(self) -> Path:
        return self.mount / self.path.lstrip("/") if self.path else self.mount

    def parent(self) -> CpuGroup | None:
        if not self.path:
            return None
        return CpuGroup(self.version, self.mount, self.path.rsplit("/", 1)[0], self.acct_mount)

    def quota_cores(self) -> float | None:
        """This group's own quota in CPUs, None when it sets none."""
        if self.version == "v2":
            words = (_read(self.folder / "cpu.max") or "").split()
            if len(words) >= 2 and words[0] != "max" and words[0].isdigit() and words[1].isdigit() \
                    and int(words[1]) > 0:
                return int(words[0]) / int(words[1])
            return None
        quota = (_read(self.folder / "cpu.cfs_quota_us") or "").strip()
        period = (_read(self.folder / "cpu.cfs_period_us") or "").strip()
        if quota.isdigit() and period.isdigit() and int(quota) > 0 and int(period) > 0:
            return int(quota) / int(period)
        return None

    def usage_us(self) -> int | None:
        """The CPU this group and those below it have used, in µs."""
        if self.version == "v2":
            return keyed(_read(self.folder / "cpu.stat")).get("usage_usec")
        if self.acct_mount is None:
            return None
        acct = self.acct_mount / self.path.lstrip("/") if self.path else self.acct_mount
        text = (_read(acct / "cpuacct.usage") or "").strip()
        return int(text) // 1000 if text.isdigit() else None

    def throttling(self) -> tuple[int, int] | None:
        """(nr_periods, nr_throttled) of its quota so far, None where it keeps no count."""
        stat = keyed(_read(self.folder / "cpu.stat"))
        if "nr_periods" not in stat or "nr_throttled" not in stat:
            return None
        return stat["nr_periods"], stat["nr_throttled"]

    def contains(self, other: CpuGroup) -> bool:
        """Whether `other` is this group or below it (in the same hierarchy)."""
        if other.version != self.version or other.mount != self.mount:
            return False
        return not self.path or other.path == self.path or other.path.startswith(self.path + "/")


def _v1_mount(root: Path, controller: str) -> Path | None:
    for name in (controller, "cpu,cpuacct", "cpuacct,cpu"):
        if (root / name).is_dir():
            return root / name
    return None


def group_of(cgroup_text: str, root: Path = CGROUP_ROOT) -> CpuGroup | None:
    """The group of a process in the CPU controller, from its /proc/<pid>/cgroup; None without one."""
    unified: str | None = None
    for line in cgroup_text.splitlines():
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        path = path.strip().rstrip("/")
        if number == "0" and controllers == "":
            unified = path
        elif "cpu" in controllers.split(","):
            mount = _v1_mount(root, "cpu")
            if mount is None:
                return None
            acct = _v1_mount(root, "cpuacct")
            group = CpuGroup("v1", mount, path, acct)
            return group if group.folder.is_dir() else CpuGroup("v1", mount, "", acct)
    if unified is None:
        return None
    group = CpuGroup("v2", root, unified)
    return group if group.folder.is_dir() or not root.is_dir() else CpuGroup("v2", root, "")


def group_of_pid(pid: int | str, proc: Path, root: Path = CGROUP_ROOT) -> CpuGroup | None:
    text = _read(proc / str(pid) / "cgroup")
    return None if text is None else group_of(text, root)


def tightest_quota(group: CpuGroup | None) -> tuple[float, CpuGroup] | None:
    """The smallest quota from `group` up to the root, in CPUs, and the group that sets it."""
    best: tuple[float, CpuGroup] | None = None
    while group is not None:
        cores = group.quota_cores()
        if cores is not None and (best is None or cores < best[0]):
            best = (cores, group)
        group = group.parent()
    return best


@dataclass(frozen=True)
class Throttle:
    """A quota and what it did so far: the periods its group ran in and those it was stopped in."""

    cores: float
    periods: int
    throttled: int


def quotas_holding(pids: list[int], proc: Path, *, outside: CpuGroup | None,
                   root: Path = CGROUP_ROOT) -> dict[str, Throttle]:
    """The quotas that hold these processes and not the group `outside` (the harness's own), each
    by the folder of the group that sets it, with its counts; the tightest one per process."""
    found: dict[str, Throttle] = {}
    seen: set[str] = set()
    for pid in pids:
        text = _read(proc / str(pid) / "cgroup")
        if text is None or text in seen:
            continue
        seen.add(text)
        quota = tightest_quota(group_of(text, root))
        if quota is None or (outside is not None and quota[1].contains(outside)):
            continue
        counts = quota[1].throttling()
        if counts is not None:
            found[str(quota[1].folder)] = Throttle(quota[0], *counts)
    return found
