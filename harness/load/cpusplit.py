"""Where the machine's CPU went during a load test, by the parties that share it.

A load test on a small machine measures the app only while the app has the cores: the
generator, the harness's own balancer, the databases and anything else running compete for
the same ones. Two snapshots of /proc (every process's CPU ticks, and the machine's) around
the load say who used what, so a verdict can blame the right party and a learner can see
that PostgreSQL, not the app, was the busy one.

Each process is named by the child of the harness's process it descends from (the load
generator's workers, PostgreSQL, Redis, each app instance's start command); the harness's
own process (its checks and the in-process balancer) by itself; processes in a container by
the container; anything else on the machine as "other". "Other" is what the machine's own
count says was busy less everything named: processes that started and ended during the load
(a test suite next door, a compiler) leave no trace in /proc but do in /proc/stat. The time
the kernel spent on interrupts (loopback networking for the load itself, mostly) is a party
of its own.

Parties fall on four sides (`side`): the harness (its process, the generator), the app (its
instances), the app's services (PostgreSQL, Redis, their containers), and outside the run
(other processes, the kernel): a verdict blames the side that took the CPU (blame.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.load.allotment import Allotment, machine_ticks, quota_usage_us
from harness.load.allotment import current as current_allotment
from harness.load.cgroupcpu import CGROUP_ROOT, Throttle, group_of_pid, quotas_holding
from harness.proc.procfs import PROC, processes

TICKS_PER_S = os.sysconf("SC_CLK_TCK")
HARNESS = "harness (checks, balancer)"
GENERATOR = "load generator"
OTHER = "other processes on this machine"
KERNEL = "kernel (interrupts, network)"
APP_PREFIX = "app: "
SERVICES = ("PostgreSQL", "Redis", "MongoDB")
HARNESS_SIDE, APP_SIDE, SERVICES_SIDE, OUTSIDE = "harness", "app", "services", "outside"
_CONTAINER = re.compile(r"(?:docker-|/docker/)([0-9a-f]{64})")
_UTIME, _STIME, _CUTIME, _CSTIME = 11, 12, 13, 14  # stat fields after the command name (ticks)


@dataclass
class Snapshot:
    at: float
    ticks: dict[tuple[int, str], int]  # (pid, start time) -> utime + stime
    parents: dict[int, int]
    reaped: dict[tuple[int, str], int]  # (pid, start time) -> CPU of its children it has waited for
    # /proc/stat's user nice system idle iowait irq softirq steal, over the CPUs the run may use
    machine: list[int]
    # The harness's own children by name, read while they live: the generator's workers have
    # ended by the time the split is made.
    names: dict[int, str] = field(default_factory=dict)
    # (pid, start time) -> ns its main thread was runnable but waited for a CPU (schedstat),
    # for the harness's process and what descends from it.
    waits: dict[tuple[int, str], int] = field(default_factory=dict)
    # The CPU the run may use (allotment.py), and what its quota's cgroup had used by then (µs)
    # where a quota, not the CPUs, is the limit.
    allotment: Allotment = field(default_factory=lambda: Allotment(None, None, None))
    quota_us: int | None = None
    # Quotas of their own on the processes the run started (the grading jail's, a container's
    # --cpus), by the group that sets each: how often each stopped them (cgroupcpu.py).
    throttles: dict[str, Throttle] = field(default_factory=dict)


def _run_delay_ns(pid: int, proc: Path) -> int | None:
    try:
        return int((proc / str(pid) / "schedstat").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None


def snapshot(proc: Path = PROC, *, root: int | None = None, allotment: Allotment | None = None,
             cgroups: Path = CGROUP_ROOT) -> Snapshot:
    root = os.getpid() if root is None else root
    if allotment is None:  # this process's own, read from the real /proc only
        allotment = current_allotment() if proc == PROC else Allotment(None, None, None)
    ticks: dict[tuple[int, str], int] = {}
    parents: dict[int, int] = {}
    reaped: dict[tuple[int, str], int] = {}
    names: dict[int, str] = {}
    for pid, fields in processes(proc):
        ticks[(pid, fields[19])] = int(fields[_UTIME]) + int(fields[_STIME])
        reaped[(pid, fields[19])] = int(fields[_CUTIME]) + int(fields[_CSTIME])
        parents[pid] = int(fields[1])
        if parents[pid] == root:
            names[pid] = _child_name(pid, proc)
    waits: dict[tuple[int, str], int] = {}
    starts = {pid: start for pid, start in ticks}
    for pid, start in starts.items():
        if pid == root or _top_child(pid, root, parents) is not None:
            delay = _run_delay_ns(pid, proc)
            if delay is not None:
                waits[(pid, start)] = delay
    machine = machine_ticks(allotment, proc)
    throttles: dict[str, Throttle] = {}
    if proc == PROC or cgroups != CGROUP_ROOT:  # a fake /proc is read with cgroups of its own only
        started = [pid for pid in starts if pid != root and _top_child(pid, root, parents) is not None]
        throttles = quotas_holding(started, proc, outside=group_of_pid(root, proc, cgroups), root=cgroups)
    return Snapshot(time.monotonic(), ticks, parents, reaped, machine, names, waits, allotment,
                    quota_usage_us(allotment), throttles)


def _cmdline(pid: int, proc: Path) -> list[str]:
    try:
        return [part for part in (proc / str(pid) / "cmdline").read_bytes().decode("utf-8", "replace")
                .split("\0") if part]
    except OSError:
        return []


def _top_child(pid: int, root: int, parents: dict[int, int]) -> int | None:
    """The child of `root` that `pid` descends from; None when it does not descend from root."""
    seen = 0
    while pid in parents and seen < 64:
        parent = parents[pid]
        if parent == root:
            return pid
        if parent <= 1:
            return None
        pid, seen = parent, seen + 1
    return None


def _child_name(pid: int, proc: Path) -> str:
    argv = _cmdline(pid, proc)
    words = " ".join(argv)
    if "harness.load.worker" in words:
        return GENERATOR
    if "harness.proc." in words:  # the harness's own sidecars (the reaper)
        return HARNESS
    program = Path(argv[0]).name if argv else ""
    if program in ("postgres", "postmaster") or "postgres" in program:
        return "PostgreSQL"
    if program.startswith("redis-server"):
        return "Redis"
    if program == "mongod":
        return "MongoDB"
    jailed = _jailed(argv) if program == "bwrap" else None
    if jailed:  # graded: the app's command inside its jail, not the jail's options
        argv, words = jailed, " ".join(jailed)
    if len(argv) >= 3 and Path(argv[0]).name in ("sh", "bash", "dash") and argv[1] == "-c":
        words = argv[2]
    return f"{APP_PREFIX}{words[:48]} [pid {pid}]" if words else f"process {pid}"


def _jailed(argv: list[str]) -> list[str] | None:
    """The command a grading jail's bwrap runs (harness/grading/jail.py ends its options with
    --clearenv, then --setenv NAME VALUE for each variable, then --): None for another shape."""
    try:
        at = argv.index("--clearenv") + 1
    except ValueError:
        return None
    while at + 2 < len(argv) and argv[at] == "--setenv":
        at += 3
    return argv[at + 1:] if at < len(argv) and argv[at] == "--" and at + 1 < len(argv) else None


def _in_group(pid: int, proc: Path, allotment: Allotment) -> bool:
    """Whether a process shares the run's CPU quota (is in its cgroup or below it)."""
    root = allotment.quota_group.root if allotment.quota_group else CGROUP_ROOT
    return allotment.shares_quota(group_of_pid(pid, proc, root))


def _container(pid: int, proc: Path) -> str | None:
    try:
        found = _CONTAINER.search((proc / str(pid) / "cgroup").read_text())
    except OSError:
        return None
    return found.group(1) if found else None


def _container_names(ids: set[str]) -> dict[str, str]:
    docker = shutil.which("docker")
    if not ids or docker is None:
        return {}
    try:
        out = subprocess.run([docker, "ps", "--no-trunc", "--format", "{{.ID}} {{.Names}}"], capture_output=True,
                             text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    return {line.split()[0]: line.split()[1] for line in out.splitlines() if len(line.split()) == 2}


def split(before: Snapshot, after: Snapshot, *, root: int | None = None, proc: Path = PROC) -> dict[str, Any]:
    """Each party's CPU between the snapshots, in percent of one core, and the machine's idle
    and stolen shares (percent of all the cores it may use: allotment.py)."""
    root = os.getpid() if root is None else root
    wall = max(after.at - before.at, 1e-3)
    used: dict[str, int] = defaultdict(int)
    names: dict[int, str] = {}
    containers: dict[str, str] = {}
    quota = before.quota_us is not None and after.quota_us is not None
    waited: dict[str, int] = defaultdict(int)  # ns runnable but waiting for a CPU, by party
    for (pid, start), ticks in after.ticks.items():
        delta = ticks - before.ticks.get((pid, start), 0)
        wait = after.waits.get((pid, start), 0) - before.waits.get((pid, start), 0)
        if pid == root:
            used[HARNESS] += max(delta, 0)
            waited[HARNESS] += max(wait, 0)
            continue
        top = _top_child(pid, root, after.parents)
        if top is not None:
            if top not in names:
                names[top] = after.names.get(top) or before.names.get(top) or _child_name(top, proc)
            used[names[top]] += max(delta, 0)
            waited[names[top]] += max(wait, 0)
            continue
        if delta <= 0:
            continue
        if quota and not _in_group(pid, proc, after.allotment):
            continue  # it does not use the run's quota, whatever it uses of the host
        container = _container(pid, proc)
        if container is not None:
            containers[container] = ""
            used[f"container {container}"] += delta
        elif after.allotment.cpus is None:
            used[OTHER] += delta
        # On a run pinned to some CPUs, what another process used may have been on the others:
        # the count of the run's own CPUs (below) says what the rest of the machine took of them.
    # The generator's workers end with the load and are waited for before the second snapshot:
    # what they used shows only in the harness process's count of its reaped children.
    for key, ticks in after.reaped.items():
        if key[0] == root and ticks > before.reaped.get(key, 0):
            used[GENERATOR] += ticks - before.reaped.get(key, 0)
    if containers:
        known = _container_names(set(containers))
        for cid in containers:
            if cid in known:
                used[f"container {known[cid]}"] += used.pop(f"container {cid}")
            else:
                used[f"container {cid[:12]}"] += used.pop(f"container {cid}")
    machine = [b - a for a, b in zip(before.machine, after.machine, strict=True)]
    if quota:
        # The quota is the machine: what its cgroup used of it is busy, the rest of it idle.
        capacity = (after.allotment.quota or 0.0) * wall * TICKS_PER_S
        busy = (after.quota_us or 0) - (before.quota_us or 0)
        busy_ticks = round(busy / 1e6 * TICKS_PER_S)
        machine = [busy_ticks, 0, 0, max(0, round(capacity) - busy_ticks), 0, 0, 0, 0]
    total = sum(machine) or 1
    cores = round(after.allotment.cores, 2)
    # The machine's count is all cores' ticks over the same window: what it says was busy (not
    # idle, waiting for disk or stolen) less what the named parties used is the rest of the
    # machine, ended processes included. Interrupt time is charged to no process.
    kernel = machine[5] + machine[6]
    if kernel:
        used[KERNEL] += kernel
    unnamed = sum(machine) - machine[3] - machine[4] - machine[7] - sum(used.values())
    if unnamed > 0:
        used[OTHER] += unnamed
    parties = sorted(((name, 100.0 * ticks / TICKS_PER_S / wall) for name, ticks in used.items()),
                     key=lambda item: -item[1])
    parties = [(name, percent) for name, percent in parties if percent > 0 or waited.get(name)]
    # Time spent runnable but not running, in % of the window: a process that waited long for a
    # CPU was slowed by whoever had it (the main thread only: an app's event loop, a worker).
    wait_percent = {name: 100.0 * ns / 1e9 / wall for name, ns in waited.items()}
    shown = [{"name": name, "side": side(name), "core_percent": round(percent, 1),
              "waited_percent": round(wait_percent.get(name, 0.0), 1)} for name, percent in parties]
    sides = {s: round(sum(percent for name, percent in parties if side(name) == s), 1)
             for s in (HARNESS_SIDE, APP_SIDE, SERVICES_SIDE, OUTSIDE)}
    found: dict[str, Any] = {
        "cores": cores,
        "seconds": round(wall, 2),
        "parties": shown,
        "sides": sides,
        "waited": {s: round(sum(w for name, w in wait_percent.items() if side(name) == s), 1)
                   for s in (HARNESS_SIDE, APP_SIDE, SERVICES_SIDE)},
        "idle_percent": round(100.0 * (machine[3] + machine[4]) / total, 1),
        "steal_percent": round(100.0 * machine[7] / total, 1),
    }
    held = _held(before, after)
    if held is not None:
        found["app_quota"] = held
    return found


def _held(before: Snapshot, after: Snapshot) -> dict[str, float] | None:
    """The quota of the run's own processes that stopped them most often between the snapshots:
    its CPUs and the share of its enforcement periods in which it did."""
    worst: dict[str, float] | None = None
    for group, now in after.throttles.items():
        then = before.throttles.get(group)
        if then is None or now.periods <= then.periods:
            continue
        percent = 100.0 * (now.throttled - then.throttled) / (now.periods - then.periods)
        if worst is None or percent > worst["throttled_percent"]:
            worst = {"cores": round(now.cores, 2), "throttled_percent": round(percent, 1)}
    return worst


def side(name: str) -> str:
    """Which side of the run a party is on (see the module's docstring)."""
    if name in (HARNESS, GENERATOR):
        return HARNESS_SIDE
    if name.startswith(APP_PREFIX):
        return APP_SIDE
    if name in SERVICES or (name.startswith("container ") and any(
            word in name.lower() for word in ("postgres", "redis", "mongo"))):
        return SERVICES_SIDE
    return OUTSIDE


def cores_phrase(cores: float) -> str:
    """"1 core = 100%", "1.5 cores = 150%": the CPU a run may use, in words."""
    return f"{cores:g} core{'' if cores == 1 else 's'} = {100 * cores:g}%"


def describe(found: dict[str, Any], *, top: int = 8) -> str:
    """One line: "CPU during the load (2 cores = 200%): app ... 80%, PostgreSQL 35%, ...; idle 3%"."""
    parties = [p for p in found.get("parties", []) if p["core_percent"] >= 0.5]
    shown = ", ".join(f"{p['name']} {p['core_percent']:.0f}%" for p in parties[:top])
    if len(parties) > top:
        shown += f", {len(parties) - top} more {sum(p['core_percent'] for p in parties[top:]):.0f}%"
    cores = found.get("cores", 1)
    idle, stolen = found.get("idle_percent", 0), found.get("steal_percent", 0)
    sides = found.get("sides") or {}
    by_side = ""
    if sides:
        by_side = (f"; by side: app {sides.get(APP_SIDE, 0):.0f}%, its services {sides.get(SERVICES_SIDE, 0):.0f}%, "
                   f"harness {sides.get(HARNESS_SIDE, 0):.0f}%, outside the run {sides.get(OUTSIDE, 0):.0f}%")
    waited = found.get("waited") or {}
    waits = ""
    if waited:  # summed over the side's processes: two instances that each waited 10% make 20%
        waits = (f"; waiting for a CPU (% of the time, summed over processes): app {waited.get(APP_SIDE, 0):.0f}%, "
                 f"its services {waited.get(SERVICES_SIDE, 0):.0f}%, harness {waited.get(HARNESS_SIDE, 0):.0f}%")
    held = found.get("app_quota")
    quota = ""
    if held:
        quota = (f"; the app held to a CPU quota of its own ({cores_phrase(float(held['cores']))}), which stopped "
                 f"it in {held['throttled_percent']:.0f}% of its periods")
    return (f"CPU during the load ({cores_phrase(float(cores))}): {shown or 'nothing measured'}{by_side}; "
            f"machine idle {idle:.0f}%, stolen by the host {stolen:.0f}%{waits}{quota}")
