"""Naming what happened to a submission: the limit it hit, the rule it broke, or why it failed.

Signals come from two places: the orchestrator watches from outside (cgroup counters, the
namespace's no-route counter, its listening sockets, the clock) and the worker reports what
only the run sees (the app's exit, its log, the PostgreSQL log). The verdict is the most
serious signal; the others are kept as "also". Verdict texts carry the limit, never a
port or a path that changes between runs, so two gradings of a folder compare equal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from harness.durations import format_duration
from harness.limits import Limits, format_size, raise_hint

# Categories: a limit hit and a rule broken are a contained hostile (or runaway)
# submission; "project" is an ordinary failure to install, migrate or start; "grader"
# means the submission could not be graded fairly and should be graded again.
LIMIT, RULE, PROJECT, GRADER = "limit", "rule", "project", "grader"


@dataclass
class Signals:
    # Watched from outside, per phase ("install" or "run").
    oom_kills: dict[str, int] = field(default_factory=dict)
    pids_max_hits: dict[str, int] = field(default_factory=dict)
    cpu_exceeded: dict[str, bool] = field(default_factory=dict)
    wall_clock_exceeded: bool = False
    interrupted: bool = False          # the instructor stopped the grading (Ctrl-C)
    unroutable_attempts: int = 0
    foreign_ports: list[int] = field(default_factory=list)
    # Reported by the worker.
    log_limit: bool = False
    file_size: bool = False
    database_denied: str | None = None
    write_denied: str | None = None
    failed_phase: str | None = None   # install | migrate | start
    crashed_during: str | None = None  # the check during which the app exited
    app_exit: int | None = None
    # Before the run.
    config_error: str | None = None
    empty: bool = False
    no_project: bool = False
    too_large: str | None = None
    grader_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Signals:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def merge_worker(self, other: Signals) -> None:
        """Take what only the worker knows from its report."""
        for name in ("log_limit", "file_size", "database_denied", "write_denied", "failed_phase",
                     "crashed_during", "app_exit", "config_error", "empty", "no_project", "too_large",
                     "grader_error"):
            value = getattr(other, name)
            if value:
                setattr(self, name, value)


@dataclass(frozen=True)
class Verdict:
    kind: str       # stable slug: memory-limit, network-denied, never-ready, ...
    text: str       # what the gradebook and the report say
    category: str   # limit | rule | project | grader | "" (graded normally)
    also: tuple[str, ...] = ()

    @property
    def contained(self) -> bool:
        """A limit hit or a rule broken: the jail stopped something."""
        return self.category in (LIMIT, RULE)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "category": self.category, "also": list(self.also)}


GRADED = Verdict("graded", "", "")


def _phase_prefix(phase: str) -> str:
    return "install: " if phase == "install" else ""


def _candidates(s: Signals, limits: Limits) -> list[Verdict]:
    found: list[Verdict] = []
    if s.grader_error:
        found.append(Verdict("grader-error", f"grader error: {s.grader_error}", GRADER))
    if s.interrupted:
        found.append(Verdict("interrupted", "interrupted before it finished: grade it again", GRADER))
    if s.too_large:
        found.append(Verdict("too-large", f"submission too large ({s.too_large})", PROJECT))
    if s.empty:
        found.append(Verdict("empty", "empty submission: no files", PROJECT))
    elif s.no_project:
        found.append(Verdict("no-project", "not a project: no harness.toml", PROJECT))
    if s.config_error:
        found.append(Verdict("invalid-config", f"invalid harness.toml: {s.config_error}", PROJECT))
    for phase in ("install", "run"):
        memory = limits.install_memory_bytes if phase == "install" else limits.memory_bytes
        processes = limits.install_processes if phase == "install" else limits.processes
        cpu = limits.install_cpu_time_s if phase == "install" else limits.cpu_time_s
        if s.oom_kills.get(phase):
            found.append(Verdict("memory-limit", f"{_phase_prefix(phase)}memory limit ({format_size(memory)}) "
                                                 "exceeded", LIMIT))
        if s.pids_max_hits.get(phase):
            found.append(Verdict("process-limit", f"{_phase_prefix(phase)}process limit ({processes}) reached",
                                 LIMIT))
        if s.cpu_exceeded.get(phase):
            # The time limits name their key: a regrade with more is one flag away (a correct
            # submission on a slow machine must not cost the student its grade).
            key = "install.cpu_time" if phase == "install" else "cpu_time"
            found.append(Verdict("cpu-limit", f"{_phase_prefix(phase)}CPU time limit ({format_duration(cpu)}) "
                                              f"exceeded ({raise_hint(key, cpu)})", LIMIT))
    if s.oom_kills.get("services"):
        found.append(Verdict("services-memory-limit", "services memory limit "
                                                      f"({format_size(limits.services_memory_bytes)}) exceeded", LIMIT))
    if s.file_size:
        found.append(Verdict("file-size-limit", f"file size limit ({format_size(limits.file_size_bytes)}) exceeded",
                             LIMIT))
    if s.log_limit:
        found.append(Verdict("log-limit", f"log limit ({format_size(limits.log_bytes)}) reached", LIMIT))
    if s.wall_clock_exceeded:
        found.append(Verdict("wall-clock-limit", f"wall-clock limit ({format_duration(limits.wall_time_s)}) "
                                                 f"exceeded ({raise_hint('wall_time', limits.wall_time_s)})", LIMIT))
    if s.unroutable_attempts:
        found.append(Verdict("network-denied", "network access denied (only loopback to its own services is "
                                               "reachable)", RULE))
    if s.foreign_ports:
        ports = ", ".join(str(p) for p in sorted(set(s.foreign_ports)))
        found.append(Verdict("port-not-given", f"bound a port it was not given ({ports})", RULE))
    if s.database_denied:
        found.append(Verdict("database-denied", f"database access denied ({s.database_denied})", RULE))
    if s.write_denied:
        found.append(Verdict("write-denied", "write outside its folder denied", RULE))
    phases = {"install": ("install-failed", "install failed"), "migrate": ("migrate-failed", "migrations failed"),
              "start": ("never-ready", "never ready")}
    if s.failed_phase in phases:
        kind, text = phases[s.failed_phase]
        found.append(Verdict(kind, text, PROJECT))
    if s.crashed_during:
        code = f" (exit code {s.app_exit})" if s.app_exit is not None else ""
        found.append(Verdict("crashed", f"crashed during the checks{code}", PROJECT))
    return found


def name_verdict(signals: Signals, limits: Limits) -> Verdict:
    """The most serious signal; the rest as `also`. Order: grader, limits, rules, project."""
    found = _candidates(signals, limits)
    if not found:
        return GRADED
    order = {GRADER: 0, LIMIT: 1, RULE: 2, PROJECT: 3}
    ranked = sorted(enumerate(found), key=lambda item: (order[item[1].category], item[0]))
    first = ranked[0][1]
    also = tuple(v.text for _, v in ranked[1:] if v.text != first.text)
    return Verdict(first.kind, first.text, first.category, also)


# What the orchestrator itself did to the submission's cgroups: its database went down with
# the app, and the limit that made the orchestrator stop them is the verdict already.
_STOPPED_WITH_THE_APP = ("cpu_exceeded", "oom_kills", "pids_max_hits")


def name_database_stop(verdict: Verdict, stopped: str | None, signals: Signals, limits: Limits) -> Verdict:
    """`verdict` with the submission's database server's unexpected stop named.

    `stopped` is how the worker saw the server stop mid-run (a server process killed, the
    server gone). The submission's doing when its database's cgroup hit its memory limit: a
    limit verdict that says so. Explained when the orchestrator stopped the run for a limit
    or the wall clock, or the grading was interrupted. Otherwise nothing the submission did
    explains it (only the server's own uid, which the submission cannot become without an
    escape, or root can signal it): a grader error, so that it is graded again.
    """
    if not stopped:
        return verdict
    if signals.wall_clock_exceeded or signals.interrupted or \
            any(getattr(signals, name).get("run") for name in _STOPPED_WITH_THE_APP):
        return verdict
    memory = format_size(limits.services_memory_bytes)
    services = f"services memory limit ({memory}) exceeded"  # says the same with less: gives way
    if signals.oom_kills.get("services"):
        text = f"its database server was stopped: memory limit ({memory}) exceeded"
        found = Verdict("database-memory-limit", text, LIMIT)
    else:
        found = Verdict("database-stopped", f"grader error: the database server stopped ({stopped})", GRADER)
    others = tuple(t for t in verdict.also if t not in (services, found.text))
    if verdict.category == GRADER:  # a grader error already: the grading is to be done again anyway
        return Verdict(verdict.kind, verdict.text, verdict.category, (found.text, *others))
    head = (verdict.text,) if verdict.text and verdict.text != services else ()
    return Verdict(found.kind, found.text, found.category, (*head, *others))
