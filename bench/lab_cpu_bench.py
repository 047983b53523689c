"""Where the proof suite's CPU goes: each built lab's reference checked once, its CPU measured as
a whole (the harness, the app, its databases and the project's own tests: every process the run
started, read from a control group of its own) and the harness's own share; then, times the
number of harness runs tests/integration/test_labs.py makes of that lab, an estimate of the
lab's share of CI's CPU.

Usage: sudo python bench/lab_cpu_bench.py [--lab node/week-21 ...]
Each lab is checked twice and the second run is measured (the first one installs the
dependencies, which the proof suite's other runs of the lab copy from the cache). A defect run
costs about what the reference run costs (every check runs in both); the estimate is that.
Needs root and control groups (as `harness grade` does): a run's PostgreSQL is not the
harness's child, so only a group sees all of it. Local services only: a container's CPU is the
Docker engine's, in no group of the run's. On a shared machine, read the figures as
ratios between labs, not as exact numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from harness.catalog import Catalog, Lab  # noqa: E402
from harness.grading.cgroups import PREFIX, Group, Hierarchy  # noqa: E402
from tests.support.projects import materialize  # noqa: E402

# The harness process's own CPU, written where the bench reads it when the process ends.
SELF_CPU = """import atexit, resource, runpy, sys
out = sys.argv.pop(1)
def mark():
    r = resource.getrusage(resource.RUSAGE_SELF)
    open(out, "w").write(str(r.ru_utime + r.ru_stime))
atexit.register(mark)
sys.argv[0] = "harness"
runpy.run_module("harness.cli", run_name="__main__")
"""


@dataclass
class Measured:
    lab: str
    cpu_s: float
    harness_cpu_s: float
    wall_s: float
    status: str
    runs: int

    @property
    def proof_cpu_s(self) -> float:
        return self.cpu_s * self.runs


def _test_dir(lab: Lab) -> str:
    return f"week-{lab.weeks[0]:02d}" if lab.weeks else lab.slug


def _proof_runs() -> dict[str, int]:
    """Harness runs per lab in tests/integration/test_labs.py (a --repeat 2 reference counts twice)."""
    from tests.integration import test_labs

    runs: dict[str, int] = {}
    for cases in (test_labs.ONE, test_labs.PROOFS, test_labs.STARTERS):
        for case in cases:
            lab_id = str(case.values[0])  # type: ignore[attr-defined]
            runs[lab_id] = runs.get(lab_id, 0) + 1
    for lab_id in runs:
        if lab_id not in test_labs.REPEAT_EXEMPT:
            runs[lab_id] += test_labs.REPEAT_LOCAL - 1
    return runs


def _non_load(lab: Lab) -> list[str]:
    """The load checks measure throughput, not cost: they are left out, as most proof runs do."""
    ids = [entry.id for entry in lab.manifest().checks]
    if not any(i.startswith("prod.load.") for i in ids):
        return []
    return [arg for i in ids if not i.startswith("prod.load.") for arg in ("--only", i)]


def _check(lab: Lab, project: Path, services: str, group: Group, scratch: Path) -> tuple[float, float, float, str]:
    marker = scratch / "self-cpu"
    results = scratch / "results.json"
    procs = group.procs_files()

    def enter() -> None:
        for path in procs:
            path.write_text(str(os.getpid()))

    started = time.monotonic()
    subprocess.run([sys.executable, "-c", SELF_CPU, str(marker), "check", lab.id, "--project", str(project),
                    "--services", services, "--json", str(results), *_non_load(lab)],
                   cwd=ROOT, preexec_fn=enter, capture_output=True, timeout=900, check=False)
    wall = time.monotonic() - started
    group.kill(timeout_s=30)  # anything the run left running would keep counting
    harness_cpu = float(marker.read_text()) if marker.is_file() else 0.0
    status = json.loads(results.read_text()).get("status", "?") if results.is_file() else "no results"
    return group.usage().cpu_s, harness_cpu, wall, str(status)


def measure(lab: Lab, services: str, runs: int, hierarchy: Hierarchy) -> Measured:
    with tempfile.TemporaryDirectory(prefix="harness-cpu-bench-") as tmp:
        scratch = Path(tmp)
        project = materialize(lab.track, _test_dir(lab), scratch / "reference")
        figures = (0.0, 0.0, 0.0, "")
        for attempt in ("install", "measured"):
            group = hierarchy.root_group(f"{PREFIX}bench-{os.getpid()}-{attempt}")
            try:
                figures = _check(lab, project, services, group, scratch)
            finally:
                with contextlib.suppress(OSError):
                    group.remove()
        cpu, harness_cpu, wall, status = figures
        return Measured(lab.id, cpu, harness_cpu, wall, status, runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", action="append", default=[], help="a lab id (repeatable); default: every built lab")
    args = parser.parse_args()
    hierarchy = Hierarchy.detect()
    if os.geteuid() != 0 or hierarchy is None:
        print("lab_cpu_bench: needs root and control groups (memory, pids, cpu)", file=sys.stderr)
        return 2
    runs = _proof_runs()
    labs = [lab for lab in Catalog.load().labs if lab.available and (not args.lab or lab.id in args.lab)]
    rows = []
    for lab in labs:
        row = measure(lab, "local", runs.get(lab.id, 0), hierarchy)
        rows.append(row)
        print(f"  {row.lab:<20} {row.cpu_s:6.1f} cpu-s  {row.wall_s:5.1f} s  {row.status}", file=sys.stderr, flush=True)
    total_cpu = sum(r.cpu_s for r in rows)
    total_proof = sum(r.proof_cpu_s for r in rows)
    print(f"{'lab':<20} {'run cpu-s':>9} {'harness':>8} {'wall s':>7} {'CI runs':>8} {'proof cpu-s':>12} {'share':>6}")
    for row in sorted(rows, key=lambda r: -r.proof_cpu_s):
        share = 100 * row.proof_cpu_s / total_proof if total_proof else 0.0
        print(f"{row.lab:<20} {row.cpu_s:9.1f} {row.harness_cpu_s:8.2f} {row.wall_s:7.1f} {row.runs:8d} "
              f"{row.proof_cpu_s:12.0f} {share:5.1f}%")
    harness_share = 100 * sum(r.harness_cpu_s for r in rows) / total_cpu if total_cpu else 0.0
    print(f"{len(rows)} labs: {total_cpu:.0f} cpu-s for one reference run each, the harness's own share "
          f"{harness_share:.0f}%; estimated proof CPU {total_proof:.0f} cpu-s "
          f"({total_proof / 120:.1f} min of wall time on 2 busy cores)")
    bad = [r.lab for r in rows if r.status != "pass"]
    if bad:
        print(f"not passing (their figures mean less): {', '.join(bad)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
