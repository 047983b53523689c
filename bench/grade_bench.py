"""`harness grade` throughput: submissions graded per minute at --jobs 1 and --jobs 2.

Usage: python bench/grade_bench.py [--submissions 6] [--jobs 1 2] [--warm-deps]
Grades a folder of week-18 projects (the reference and its defects, round-robin) with the
whole jail (root needed), each with its own PostgreSQL, uid, cgroups and namespace, and
installs from a warm HOME template (no registry). With --warm-deps, each job count is
graded twice, installing and with `harness grade --warm-deps` (the lab's starter installed
once, then copied to each submission whose lockfile matches: all of them here). The machine is shared: read the figures
as orders of magnitude and the ratio between job counts, not as exact numbers.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.grading.support import LAB, home_template  # noqa: E402
from tests.support.projects import defects, materialize  # noqa: E402


def build(folder: Path, count: int) -> None:
    variants: list[str | None] = [None, *defects("node", "week-18")]
    for n in range(count):
        defect = variants[n % len(variants)]
        materialize("node", "week-18", folder / f"s{n:02d}-{defect or 'reference'}", defect)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def grade(folder: Path, home: Path, out: Path, jobs: int, warm: bool = False) -> tuple[float, list[float], float]:
    """Wall time, each submission's duration, and the CPU seconds the whole grading used."""
    cpu = _children_cpu()
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "harness.cli", "grade", str(folder), "--lab", LAB, "--jobs",
                           str(jobs), "--home-template", str(home), "--seed", "1", "--out", str(out),
                           *(["--warm-deps"] if warm else [])],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"harness grade failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    with open(out / "gradebook.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    bad = [r["submission"] for r in rows if r["verdict"]]
    if bad:
        raise SystemExit(f"submissions with a verdict (the bench expects none): {bad}\n{proc.stdout}")
    return wall, [float(r["duration_s"]) for r in rows], _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=6)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--warm-deps", action="store_true",
                        help="also grade with --warm-deps, and print both rates side by side")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("harness grade needs root for its jail: run the bench as root")
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        root = Path(tmp)
        build(root / "submissions", args.submissions)
        home = home_template(root / "home")
        print(f"{args.submissions} week-18 submissions, local PostgreSQL per submission, full jail, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before")
        rates: dict[tuple[int, bool], float] = {}
        for jobs in args.jobs:
            for warm in (False, True) if args.warm_deps else (False,):
                out = root / f"out-{jobs}{'-warm' if warm else ''}"
                wall, durations, cpu = grade(root / "submissions", home, out, jobs, warm)
                rates[jobs, warm] = args.submissions / wall * 60
                label = f"--jobs {jobs}{' --warm-deps' if warm else ''}"
                print(f"{label:<24} {wall:6.1f} s wall  {rates[jobs, warm]:5.1f} submissions/min  "
                      f"median {statistics.median(durations):.1f} s per submission  "
                      f"{cpu / args.submissions:.1f} CPU s per submission  (load average {os.getloadavg()[0]:.1f})")
            if args.warm_deps:
                print(f"--warm-deps at --jobs {jobs}: {rates[jobs, True] / rates[jobs, False]:.2f}x the submissions "
                      "per minute (its one install of the starter included)")
        if len(args.jobs) > 1:
            first, last = min(args.jobs), max(args.jobs)
            print(f"speed-up --jobs {last} over --jobs {first}: {rates[last, False] / rates[first, False]:.2f}x")


if __name__ == "__main__":
    main()
