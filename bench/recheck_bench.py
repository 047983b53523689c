"""First check vs re-check: what dependency reuse saves, per lab.

Usage: python bench/recheck_bench.py [--labs node/week-18 python/week-11] [--services local]
For each lab: a first `harness check` of its reference on an empty dependency cache (the
install runs), a re-check of the same project (the install is skipped in place), and a
check of a second copy of the project (the install is copied from the cache, as the proof
suite's defects get it). Prints wall seconds and each run's share of the first. The machine
is shared: read ratios, not exact figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support.projects import materialize  # noqa: E402

TARGET_RATIO = 0.40  # a re-check at most 40 % of the first run


def check(lab: str, project: Path, cache: Path, services: str) -> tuple[float, dict[str, float]]:
    results = project.parent / f"{project.name}-results.json"
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "harness.cli", "check", lab, "--project", str(project),
                           "--services", services, "--json", str(results)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(cache)})
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"{lab}: the reference did not pass (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return wall, json.loads(results.read_text())["timings_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labs", nargs="+", default=["node/week-18", "python/week-11"])
    parser.add_argument("--services", default="local")
    args = parser.parse_args()
    print(f"{'lab':<16} {'first s':>8} {'install s':>9} {'re-check s':>10} {'ratio':>6} {'copy s':>7} {'ratio':>6}")
    for lab in args.labs:
        track, week = lab.split("/")
        with tempfile.TemporaryDirectory(prefix="harness-bench-") as tmp:
            cache = Path(tmp) / "cache"
            first_project = materialize(track, week, Path(tmp) / "first")
            first, timings = check(lab, first_project, cache, args.services)
            again, _ = check(lab, first_project, cache, args.services)
            copied, _ = check(lab, materialize(track, week, Path(tmp) / "second"), cache, args.services)
        flag = "" if again / first <= TARGET_RATIO else f"  (target <= {TARGET_RATIO:.0%})"
        print(f"{lab:<16} {first:8.1f} {timings.get('install', 0.0):9.1f} {again:10.1f} {again / first:6.0%} "
              f"{copied:7.1f} {copied / first:6.0%}{flag}")


if __name__ == "__main__":
    main()
