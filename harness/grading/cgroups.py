"""Control groups: memory, process count and CPU for a submission, read and killed as a whole.

cgroup v1 (one hierarchy per controller, as on this Debian machine) and v2 (one unified
hierarchy, as on current Ubuntu and GitHub's runners) are told apart at run time and
behind one interface. Processes only ever live in leaf groups, which v2 requires and v1
does not mind. A group is killed by signalling every task it holds until none is left:
PID 1 of a container may not reap orphans, and a fork bomb forks between two reads, so
the loop runs until the group is empty (v2's cgroup.kill does it in one write).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from harness.proc.cgroupfs import keyed, kill_tree, remove_tree, tree_pids

MOUNT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "pids", "cpu", "cpuacct")
V2_CONTROLLERS = ("memory", "pids", "cpu")
PREFIX = "harness-grade-"


@dataclass(frozen=True)
class Usage:
    cpu_s: float = 0.0
    oom_kills: int = 0
    pids_max_hits: int = 0
    memory_peak_bytes: int = 0


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _write(path: Path, value: str) -> None:
    path.write_text(value)


def _int(text: str) -> int:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else 0


class Group:
    """One cgroup: a directory per v1 controller, or one v2 directory."""

    def __init__(self, version: str, paths: dict[str, Path]) -> None:
        self.version = version
        self.paths = paths

    @property
    def name(self) -> str:
        return next(iter(self.paths.values())).name

    def dirs(self) -> list[Path]:
        """Each distinct directory once (v1 may mount cpu and cpuacct together)."""
        seen: dict[str, Path] = {}
        for path in self.paths.values():
            seen.setdefault(os.path.realpath(path), path)
        return list(seen.values())

    def child(self, name: str) -> Group:
        group = Group(self.version, {c: p / name for c, p in self.paths.items()})
        for path in group.dirs():
            path.mkdir(exist_ok=True)
            # Readable as cgroupfs makes them whatever the grader's umask (077): the jail shows
            # a submission its own groups, which its uid must be able to reach.
            path.chmod(0o755)
        return group

    def delegate(self) -> None:
        """v2: let this group's children use the controllers (a no-op on v1)."""
        if self.version == "v2":
            path = self.paths["v2"] / "cgroup.subtree_control"
            with contextlib.suppress(OSError):
                _write(path, " ".join(f"+{c}" for c in V2_CONTROLLERS))

    def limit(self, *, memory_bytes: int, pids: int, cpus: float | None) -> None:
        """cpus None: no CPU quota."""
        if self.version == "v1":
            memory = self.paths["memory"]
            _write(memory / "memory.limit_in_bytes", str(memory_bytes))
            if (memory / "memory.memsw.limit_in_bytes").exists():  # swap too, where it is accounted
                _write(memory / "memory.memsw.limit_in_bytes", str(memory_bytes))
            _write(self.paths["pids"] / "pids.max", str(pids))
        else:
            path = self.paths["v2"]
            _write(path / "memory.max", str(memory_bytes))
            if (path / "memory.swap.max").exists():
                _write(path / "memory.swap.max", "0")
            _write(path / "pids.max", str(pids))
        if cpus is not None:
            self.cpu_quota(cpus)

    def cpu_quota(self, cpus: float) -> None:
        """At most `cpus` CPUs for everything in this group and below it."""
        period = 100_000
        quota = max(1000, int(cpus * period))
        if self.version == "v1":
            _write(self.paths["cpu"] / "cpu.cfs_period_us", str(period))
            _write(self.paths["cpu"] / "cpu.cfs_quota_us", str(quota))
        else:
            _write(self.paths["v2"] / "cpu.max", f"{quota} {period}")

    def procs_files(self) -> list[Path]:
        """Where a process writes its pid to join this group (every v1 controller)."""
        return [d / "cgroup.procs" for d in self.dirs()]

    def usage(self) -> Usage:
        if self.version == "v1":
            oom = keyed(_read(self.paths["memory"] / "memory.oom_control")).get("oom_kill", 0)
            return Usage(
                cpu_s=_int(_read(self.paths["cpuacct"] / "cpuacct.usage")) / 1e9,
                oom_kills=oom,
                pids_max_hits=keyed(_read(self.paths["pids"] / "pids.events")).get("max", 0),
                memory_peak_bytes=_int(_read(self.paths["memory"] / "memory.max_usage_in_bytes")),
            )
        path = self.paths["v2"]
        return Usage(
            cpu_s=keyed(_read(path / "cpu.stat")).get("usage_usec", 0) / 1e6,
            oom_kills=keyed(_read(path / "memory.events")).get("oom_kill", 0),
            pids_max_hits=keyed(_read(path / "pids.events")).get("max", 0),
            memory_peak_bytes=_int(_read(path / "memory.peak")),
        )

    def pids(self) -> set[int]:
        """Every process in this group and the groups below it."""
        return tree_pids(root for root in self.dirs() if root.is_dir())

    def kill(self, timeout_s: float = 10.0) -> bool:
        """SIGKILL until empty; True when the group is empty."""
        if self.version == "v2" and (self.paths["v2"] / "cgroup.kill").exists():
            with contextlib.suppress(OSError):
                _write(self.paths["v2"] / "cgroup.kill", "1")
        return kill_tree([root for root in self.dirs() if root.is_dir()], timeout_s)

    def remove(self) -> None:
        """Kill what is inside, then remove the directories, deepest first."""
        self.kill()
        for root in self.dirs():
            if root.is_dir():
                remove_tree(root)


class Sharing(Group):
    """A leaf with limits of its own whose CPU is counted with its siblings', and killed with them.

    The app's group (`run/app`) beside its database's (`run/db`): memory and processes are
    each leaf's own, while the CPU quota is set on the parent and the CPU-time limit reads the
    parent's counter (the kernel sums it over the subtree), so a query that burns CPU in the
    submission's database is charged to the submission. Reaching a limit stops both: the app
    is being stopped anyway, and its database must not go on burning.
    """

    def __init__(self, leaf: Group, parent: Group) -> None:
        super().__init__(leaf.version, leaf.paths)
        self.parent = parent

    def usage(self) -> Usage:
        own = super().usage()
        return Usage(cpu_s=self.parent.usage().cpu_s, oom_kills=own.oom_kills, pids_max_hits=own.pids_max_hits,
                     memory_peak_bytes=own.memory_peak_bytes)

    def pids(self) -> set[int]:
        return self.parent.pids()

    def kill(self, timeout_s: float = 10.0) -> bool:
        return self.parent.kill(timeout_s)


@dataclass(frozen=True)
class Hierarchy:
    version: str
    bases: dict[str, Path]  # where this process's groups go, per controller ("v2": the one)

    @classmethod
    def detect(cls, mount: Path = MOUNT, self_cgroup: Path = Path("/proc/self/cgroup")) -> Hierarchy | None:
        """v2 when the mount point is the unified hierarchy, else v1 with every controller we use."""
        if (mount / "cgroup.controllers").is_file():
            available = _read(mount / "cgroup.controllers").split()
            if not all(c in available for c in V2_CONTROLLERS):
                return None
            # Under the root: v2 forbids processes in a group whose children use controllers,
            # and our own group (a service, a CI step) holds processes.
            return cls("v2", {"v2": mount})
        own: dict[str, str] = {}
        for line in _read(self_cgroup).splitlines():
            parts = line.split(":", 2)
            if len(parts) == 3:
                for controller in parts[1].split(","):
                    own[controller] = parts[2]
        bases: dict[str, Path] = {}
        for controller in V1_CONTROLLERS:
            root = mount / controller
            if not root.is_dir():
                return None
            # Nested under our own group, so a limit set on us (a container) still holds.
            bases[controller] = root / own.get(controller, "/").lstrip("/")
        return cls("v1", bases)

    def root_group(self, name: str) -> Group:
        group = Group(self.version, {c: p / name for c, p in self.bases.items()})
        if self.version == "v2":
            Group("v2", {"v2": self.bases["v2"]}).delegate()
        for path in group.dirs():
            path.mkdir(exist_ok=False)
            path.chmod(0o755)
        group.delegate()
        return group

    def leftovers(self) -> list[Path]:
        """Groups a grading run left behind (it crashed before cleaning up)."""
        found: list[Path] = []
        for base in {os.path.realpath(p): p for p in self.bases.values()}.values():
            if base.is_dir():
                found.extend(p for p in base.iterdir() if p.is_dir() and p.name.startswith(PREFIX))
        return sorted(found)
