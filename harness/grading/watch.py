"""The orchestrator's eyes on a running submission, from outside the jail.

Polls the phase cgroups (CPU time used, OOM kills, fork failures at pids.max) and the
worker's network namespace (listening sockets of the submission's uid), and kills the
phase's cgroup when a limit is hit: a fork bomb or a busy loop is stopped, not just
throttled. Without cgroups (a container that does not delegate them) the same limits are
approximated from the processes of the submission's uid, which no one else uses.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from dataclasses import dataclass, field

import psutil

from harness import systools as tools
from harness.grading.cgroups import Group, Usage
from harness.grading.netns import NamespaceView
from harness.grading.verdicts import Signals
from harness.limits import Limits


def kill_uid(uid: int) -> None:
    """Every process of this uid, from inside it: kill(-1) reaches exactly the uid's processes."""
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        # The shell's own kill: no tool of the machine looked up (nor one that may be missing).
        subprocess.run([tools.tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
                        "/bin/sh", "-c", "kill -KILL -1"], capture_output=True, timeout=10, env=tools.ROOT_ENV)


@dataclass
class UidUsage:
    memory_bytes: int = 0
    processes: int = 0
    cpu_s: float = 0.0


def uid_usage(uid: int) -> UidUsage:
    usage = UidUsage()
    for proc in psutil.process_iter(["uids", "memory_info", "cpu_times", "num_threads"]):
        info = proc.info
        if info.get("uids") is None or info["uids"].real != uid:
            continue
        usage.processes += info.get("num_threads") or 1
        if info.get("memory_info") is not None:
            usage.memory_bytes += info["memory_info"].rss
        if info.get("cpu_times") is not None:
            usage.cpu_s += info["cpu_times"].user + info["cpu_times"].system
    return usage


@dataclass
class Watch:
    limits: Limits
    signals: Signals
    uid: int | None
    groups: dict[str, Group] = field(default_factory=dict)  # "install", "run": killed on a limit
    services: Group | None = None  # the worker and its servers: watched, never killed from here
    worker_pid: int | None = None
    netns: bool = False
    ports: set[int] = field(default_factory=set)
    usage: dict[str, Usage] = field(default_factory=dict)  # per phase, read at the end
    _host_ns: str = field(default_factory=lambda: os.readlink("/proc/self/ns/net"))

    def _services(self) -> None:
        oom = self.services.usage().oom_kills if self.services is not None else 0
        if oom:
            self.signals.oom_kills["services"] = oom

    def poll(self) -> None:
        self._services()
        if self.groups:
            for phase, group in self.groups.items():
                self._cgroup(phase, group)
        elif self.uid is not None:
            self._by_uid()
        self._namespace()

    def _cpu_limit(self, phase: str) -> float:
        return self.limits.install_cpu_time_s if phase == "install" else self.limits.cpu_time_s

    def _cgroup(self, phase: str, group: Group) -> None:
        usage = group.usage()
        hit = False
        if usage.oom_kills:
            self.signals.oom_kills[phase] = usage.oom_kills
            hit = True
        if usage.pids_max_hits:
            self.signals.pids_max_hits[phase] = usage.pids_max_hits
            hit = True
        if usage.cpu_s > self._cpu_limit(phase):
            self.signals.cpu_exceeded[phase] = True
            hit = True
        if hit and group.pids():
            group.kill()

    def _by_uid(self) -> None:
        assert self.uid is not None
        usage = uid_usage(self.uid)
        # Without cgroups the phase is not known from outside; the run's limits apply.
        if usage.memory_bytes > self.limits.memory_bytes:
            self.signals.oom_kills["run"] = 1
        elif usage.processes >= self.limits.processes:
            self.signals.pids_max_hits["run"] = 1
        elif usage.cpu_s > self.limits.cpu_time_s:
            self.signals.cpu_exceeded["run"] = True
        else:
            return
        kill_uid(self.uid)

    def _namespace(self) -> None:
        if not self.netns or self.worker_pid is None or self.uid is None:
            return
        try:  # until the worker has entered its namespace, /proc/<pid>/net is the host's
            if os.readlink(f"/proc/{self.worker_pid}/ns/net") == self._host_ns:
                return
        except OSError:
            return
        view = NamespaceView(self.worker_pid)
        self.ports.update(port for port, uid in view.listeners() if uid == self.uid)
        self.signals.unroutable_attempts = max(self.signals.unroutable_attempts, view.unroutable_attempts())

    def finish(self) -> None:
        """A last look at the counters once everything has stopped."""
        self._services()
        for phase, group in self.groups.items():
            usage = self.usage[phase] = group.usage()
            if usage.oom_kills:
                self.signals.oom_kills[phase] = usage.oom_kills
            if usage.pids_max_hits:
                self.signals.pids_max_hits[phase] = usage.pids_max_hits
            if usage.cpu_s > self._cpu_limit(phase):
                self.signals.cpu_exceeded[phase] = True
