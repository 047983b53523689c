"""`harness check --watch`: from a saved file to the next round's first verdict and its end.

Usage: python bench/watch_bench.py [--lab node/week-18] [--saves 3]
Starts the watch on the lab's reference (local services), waits for the first round to end,
then saves a source file (its contents unchanged but rewritten, as an editor does) and
times, per save, the first check's verdict line and the round's closing line. Prints the
first round's time beside them. The machine is shared: read orders of magnitude.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support.projects import materialize  # noqa: E402

SAVED = {"node/week-18": "src/app.js", "python/week-11": "shelf/main.py"}
WATCHING = "for changes (Ctrl-C to stop)"
TARGET_FIRST_S = 1.5  # "the first result of a re-run in about a second"


def _until(proc: subprocess.Popen[str], predicate: str | tuple[str, ...]) -> float:
    assert proc.stdout is not None
    for line in proc.stdout:
        stripped = line.strip()
        if stripped.startswith(predicate) or (isinstance(predicate, str) and predicate in line):
            return time.monotonic()
    raise SystemExit(f"the watch ended before {predicate!r} (exit {proc.wait()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", default="node/week-18", choices=sorted(SAVED))
    parser.add_argument("--saves", type=int, default=3)
    args = parser.parse_args()
    track, week = args.lab.split("/")
    with tempfile.TemporaryDirectory(prefix="harness-bench-") as tmp:
        project = materialize(track, week, Path(tmp) / "project")
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "check", args.lab, "--project", str(project),
                                 "--services", "local", "--watch"], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, env={**os.environ, "NO_COLOR": "1"})
        try:
            first_round = _until(proc, WATCHING) - started
            to_verdict, to_end = [], []
            for _ in range(args.saves):
                saved = project / SAVED[args.lab]
                saved.write_bytes(saved.read_bytes())
                at = time.monotonic()
                to_verdict.append(_until(proc, ("✓", "✗", "!", "-")) - at)
                to_end.append(_until(proc, WATCHING) - at)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(60)
    first = statistics.median(to_verdict)
    flag = "" if first <= TARGET_FIRST_S else f"  (target <= {TARGET_FIRST_S} s)"
    print(f"{args.lab}: first round {first_round:.1f} s (install included); after a save, median of {args.saves}: "
          f"first verdict {first:.1f} s{flag}, round done {statistics.median(to_end):.1f} s")


if __name__ == "__main__":
    main()
