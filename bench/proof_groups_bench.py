"""What proving a lab's defects several to a run saves: the defects' proofs of the labs named
(tests/integration/test_labs.py, test_defects_fail_only_their_checks) run with the suite's three
workers, once as planned (tests/support/proof_groups.py) and once one run per defect
(HARNESS_TEST_DEFECTS_ALONE=1), after an unmeasured warm-up pass; for each, the runs, the wall
time and the CPU the whole machine used meanwhile (/proc/stat: the harness, the apps, their
databases), then the ratios.

Usage: python bench/proof_groups_bench.py [--lab node/week-21 ...] [--jobs 3]
Run it on a machine with nothing else to do: the CPU is the machine's, not the runs' alone.
The load checks' defects (the serial phase) are left out; both ways run them alone anyway.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LABS = ("node/week-21", "python/week-04", "python/week-11", "node/week-24", "java/week-16", "sql/week-01")


def _cpu_seconds() -> float:
    """The machine's busy CPU time so far (user, nice, system), in seconds."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()
    return sum(int(v) for v in fields[1:4]) / os.sysconf("SC_CLK_TCK")


def _measure(labs: list[str], jobs: int, alone: bool) -> tuple[int, float, float]:
    env = {**os.environ}
    env.pop("HARNESS_TEST_DEFECTS_ALONE", None)
    if alone:
        env["HARNESS_TEST_DEFECTS_ALONE"] = "1"
    chosen = " or ".join(f"{lab}-" for lab in labs)
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", str(jobs), "-m", "not load",
            "tests/integration/test_labs.py", "-k", f"test_defects_fail_only_their_checks and ({chosen})"]
    cpu, start = _cpu_seconds(), time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    wall, used = time.monotonic() - start, _cpu_seconds() - cpu
    found = re.search(r"(\d+) passed", done.stdout)
    if done.returncode != 0 or found is None:
        sys.exit(f"the proofs did not pass ({'alone' if alone else 'as planned'}):\n{done.stdout[-4000:]}")
    return int(found.group(1)), wall, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lab", action="append", help=f"a lab to prove (default: {', '.join(DEFAULT_LABS)})")
    parser.add_argument("--jobs", type=int, default=3, help="pytest-xdist workers, as scripts/test (default 3)")
    args = parser.parse_args()
    labs = args.lab or list(DEFAULT_LABS)
    print(f"defects' proofs of {', '.join(labs)}, {args.jobs} workers")
    # Unmeasured first: a session's first runs pay for warming up (the workers, the harness's
    # caches of clusters and datasets), measured at about 20 s on two cheap labs.
    _measure(labs, args.jobs, alone=False)
    single = _measure(labs, args.jobs, alone=True)
    grouped = _measure(labs, args.jobs, alone=False)
    for name, (runs, wall, cpu) in (("several to a run", grouped), ("one run per defect", single)):
        print(f"  {name:20} {runs:4} runs  wall {wall:7.1f} s  CPU {cpu:7.1f} s")
    print(f"  ratio (several / one)  runs {grouped[0] / single[0]:.2f}  wall {grouped[1] / single[1]:.2f}  "
          f"CPU {grouped[2] / single[2]:.2f}")


if __name__ == "__main__":
    main()
