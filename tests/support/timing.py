"""Where the test suite's time goes: seconds per group of tests and per lab's proofs, summed
from pytest's own durations (setup, call and teardown of every test).

Under xdist every worker's reports reach the controller (pytest_runtest_logreport), so the
sums are made there, once. With HARNESS_TEST_TIMES set, each pytest run appends its sums to
that file as a JSON line, and `python -m tests.support.timing FILE STEP=SECONDS...` prints the
whole of scripts/test at its end: each step's wall time, then the groups of all its runs.
Every harness run a test starts (tests/support/projects.py) adds its checks' and phases'
seconds to a file beside it (record_run), so the table also says which checks and which
phases of a run the proofs spend their time in, whatever lab they belong to.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LAB_PROPERTY = "lab_id"  # set on test_labs.py's items at collection (the workers collect)
GROUPS = ("unit", "labs", "grading", "integration", "load", "other")
LAB_TESTS = "tests/integration/test_labs.py"


def group_of(nodeid: str, keywords: Iterable[str]) -> str:
    """A test's group: by its marker (load), else by where it lives."""
    if "load" in keywords:
        return "load"
    path = nodeid.split("::", 1)[0]
    if path.startswith("tests/unit/"):
        return "unit"
    if path == LAB_TESTS:
        return "labs"
    if path.startswith("tests/grading/"):
        return "grading"
    if path.startswith("tests/integration/"):
        return "integration"
    return "other"


@dataclass
class Tally:
    seconds: dict[str, float] = field(default_factory=dict)
    tests: dict[str, int] = field(default_factory=dict)
    lab_seconds: dict[str, float] = field(default_factory=dict)
    lab_runs: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0

    def add(self, nodeid: str, when: str, duration: float, keywords: Iterable[str],
            properties: Sequence[tuple[str, object]]) -> None:
        group = group_of(nodeid, keywords)
        self.seconds[group] = self.seconds.get(group, 0.0) + duration
        first = when == "setup"  # every test reports a setup, whatever happens after it
        if first:
            self.tests[group] = self.tests.get(group, 0) + 1
        lab = next((str(value) for key, value in properties if key == LAB_PROPERTY), None)
        if lab is not None and nodeid.startswith(LAB_TESTS):  # the capstone's proofs are load tests
            self.lab_seconds[lab] = self.lab_seconds.get(lab, 0.0) + duration
            if first:
                self.lab_runs[lab] = self.lab_runs.get(lab, 0) + 1

    def merge(self, other: Tally) -> None:
        for mine, theirs in ((self.seconds, other.seconds), (self.lab_seconds, other.lab_seconds)):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0.0) + value
        for counts, more in ((self.tests, other.tests), (self.lab_runs, other.lab_runs)):
            for key, count in more.items():
                counts[key] = counts.get(key, 0) + count
        self.wall_s += other.wall_s

    def to_json(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "tests": self.tests, "lab_seconds": self.lab_seconds,
                "lab_runs": self.lab_runs, "wall_s": self.wall_s}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Tally:
        return cls(seconds=dict(data.get("seconds", {})), tests=dict(data.get("tests", {})),
                   lab_seconds=dict(data.get("lab_seconds", {})), lab_runs=dict(data.get("lab_runs", {})),
                   wall_s=float(data.get("wall_s", 0.0)))

    def lines(self) -> list[str]:
        total = sum(self.seconds.values()) or 1.0
        out = ["time per group (test seconds: setup + call + teardown, summed over the workers)",
               f"  {'group':<12} {'tests':>6} {'seconds':>9} {'share':>6}"]
        for group in sorted(self.seconds, key=lambda g: (GROUPS.index(g) if g in GROUPS else len(GROUPS), g)):
            out.append(f"  {group:<12} {self.tests.get(group, 0):>6} {self.seconds[group]:>9.1f} "
                       f"{100 * self.seconds[group] / total:>5.0f}%")
        if self.lab_seconds:
            out += ["proof time per lab (tests/integration/test_labs.py)",
                    f"  {'lab':<20} {'runs':>5} {'seconds':>9}"]
            for lab in sorted(self.lab_seconds, key=lambda lab: -self.lab_seconds[lab]):
                out.append(f"  {lab:<20} {self.lab_runs.get(lab, 0):>5} {self.lab_seconds[lab]:>9.1f}")
        return out


RUNS_SUFFIX = ".runs"  # beside HARNESS_TEST_TIMES: one line per harness run, from any worker
TOP_CHECKS = 15


def record_run(results: Mapping[str, Any], cpu_s: float | None = None) -> None:
    """A harness run's seconds per check and per phase, and the CPU seconds it took with the
    processes it reaped (its app, services and builds; not containers), when scripts/test collects them."""
    target = os.environ.get("HARNESS_TEST_TIMES")
    if not target:
        return
    checks = {str(t.get("id")): float(t.get("duration_s") or 0.0) for t in results.get("tests") or []}
    line = json.dumps({"checks": checks, "phases": dict(results.get("timings_s") or {}),
                       "lab": str(results.get("lab") or ""), "cpu_s": cpu_s}) + "\n"
    with open(target + RUNS_SUFFIX, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # the workers append at once; a line is written whole
        handle.write(line)


def run_lines(path: Path) -> list[str]:
    """The harness runs' seconds: per phase, and the checks that cost the most in all."""
    if not path.is_file():
        return []
    phases: dict[str, float] = {}
    checks: dict[str, float] = {}
    counts: dict[str, int] = {}
    installs: dict[str, int] = {}  # per lab, the runs whose install ran (not skipped, not copied)
    cpu: dict[str, float] = {}  # per lab, the CPU seconds of its runs
    cpu_runs: dict[str, int] = {}
    runs = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        run = json.loads(line)
        runs += 1
        for key, value in run["phases"].items():
            phases[key] = phases.get(key, 0.0) + float(value)
        if run["phases"].get("install") and run.get("lab"):
            installs[run["lab"]] = installs.get(run["lab"], 0) + 1
        if run.get("cpu_s") is not None:
            lab = run.get("lab") or "?"
            cpu[lab] = cpu.get(lab, 0.0) + float(run["cpu_s"])
            cpu_runs[lab] = cpu_runs.get(lab, 0) + 1
        for key, value in run["checks"].items():
            checks[key] = checks.get(key, 0.0) + float(value)
            counts[key] = counts.get(key, 0) + 1
    out = [f"harness runs started by the tests: {runs}, seconds per phase (summed over the runs)"]
    out += [f"  {key:<24} {phases[key]:>9.1f}" for key in sorted(phases, key=lambda k: -phases[k])]
    if installs:
        labs = sorted(installs, key=lambda k: (-installs[k], k))
        out.append(f"installs that ran: {sum(installs.values())} (by lab: "
                   + ", ".join(f"{lab} {installs[lab]}" for lab in labs) + ")")
    if cpu:
        out += _cpu_lines(cpu, cpu_runs)
    out += [f"checks that cost the most (of {len(checks)}; seconds summed over the runs)",
            f"  {'check':<40} {'runs':>5} {'seconds':>9}"]
    for key in sorted(checks, key=lambda k: -checks[k])[:TOP_CHECKS]:
        out.append(f"  {key:<40} {counts[key]:>5} {checks[key]:>9.1f}")
    return out


def _cpu_lines(cpu: Mapping[str, float], runs: Mapping[str, int]) -> list[str]:
    """CPU per lab: what the suite's budget is made of on a machine whose cores are all busy."""
    total = sum(cpu.values()) or 1.0
    out = [f"CPU of the harness runs per lab (the run and the processes it reaped: app, services, builds; "
           f"{sum(cpu.values()):.0f} CPU-s in all)",
           f"  {'lab':<20} {'runs':>5} {'CPU-s':>9} {'per run':>8} {'share':>6}"]
    for lab in sorted(cpu, key=lambda k: -cpu[k]):
        out.append(f"  {lab:<20} {runs[lab]:>5} {cpu[lab]:>9.1f} {cpu[lab] / runs[lab]:>8.1f} "
                   f"{100 * cpu[lab] / total:>5.0f}%")
    return out


def append(path: Path, tally: Tally) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(tally.to_json()) + "\n")


def _minutes(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def report(path: Path, steps: Sequence[tuple[str, float]], cpu: Mapping[str, str] | None = None) -> str:
    """scripts/test's closing table: its steps' wall time (with the machine's idle and stolen CPU
    shares, "idle,stolen" in percent, where `cpu` has them), then the groups of all its pytest runs."""
    tally = Tally()
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                tally.merge(Tally.from_json(json.loads(line)))
    total = sum(seconds for _, seconds in steps)
    width = max([22, *(len(name) for name, _ in steps)])
    cpu = cpu or {}
    # Idle CPU during a step says whether more test workers would help; stolen CPU, a slow host.
    lines = [f"scripts/test: {_minutes(total)} in all",
             f"  {'step':<{width}} {'wall':>9}" + ("   cpu idle  stolen" if cpu else "")]
    for name, seconds in steps:
        idle, _, stolen = cpu.get(name, "").partition(",")
        shown = f"   {idle:>7}%  {stolen:>5}%" if idle and idle != "-" else ""
        lines.append(f"  {name:<{width}} {_minutes(seconds):>9}{shown}")
    if tally.seconds:
        lines += tally.lines()
    lines += run_lines(path.with_name(path.name + RUNS_SUFFIX))
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    steps, cpu = [], {}
    for arg in argv[1:]:
        name, _, measured = arg.rpartition("=")
        seconds, _, shares = measured.partition("@")
        steps.append((name, float(seconds)))
        if shares:
            cpu[name] = shares
    print(report(Path(argv[0]), steps, cpu))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
