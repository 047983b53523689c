"""Where the CPU goes when the capstone's reference takes 1000 req/s, and the harness's own share.

Usage: python bench/capstone_load_bench.py [--runs 1] [--rate 1000] [--services local|docker]

Each run is a whole `harness check backend/production --only prod.load.rps` on the reference
(tests/labs/backend/production/reference): two app instances, PostgreSQL, Redis and the load
generator on this machine. Prints per run the verdict, the achieved rate and p95, the CPU
split by side (the app's instances, its databases, the harness: its process and the load
generator, and outside the run), the harness's share of the whole machine, and the app's
CPU per request served. About 40 s a run (install, the project's tests, 23 s of load).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from harness.load import cpusplit  # noqa: E402
from tests.support.projects import materialize  # noqa: E402

CHECK = "prod.load.rps"
# An inconclusive verdict carries no figures, only its message: the split is read back from
# cpusplit.describe()'s words there.
_SIDES = re.compile(r"by side: app (\d+)%, its services (\d+)%, harness (\d+)%, outside the run (\d+)%; "
                    r"machine idle (\d+)%")
_PER_REQUEST = re.compile(r"app CPU per request served: ([\d.]+) ms")
_SUMMARY = re.compile(r"achieved (\d+) req/s of [\d.]+; p50 [\d.]+ ms, p95 ([\d.]+) ms")


def one_run(project: Path, rate: float, services: str, out: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "harness.cli", "check", "backend/production", "--project", str(project),
         "--services", services, "--only", CHECK, "--param", f"{CHECK}.rate={rate:g}", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, env={**os.environ, "NO_COLOR": "1"})
    if not out.is_file():
        raise SystemExit(f"the check wrote no results (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    test = next(t for t in json.loads(out.read_text())["tests"] if t["id"] == CHECK)
    text = " ".join(str(test.get(key) or "") for key in ("message", "actual"))
    row: dict[str, Any] = {"verdict": test.get("harness_status", test["status"])}
    figures = test.get("figures") or {}
    split = figures.get("cpu_split")
    if split:
        sides = split["sides"]
        row.update(app=sides[cpusplit.APP_SIDE], services=sides[cpusplit.SERVICES_SIDE],
                   harness=sides[cpusplit.HARNESS_SIDE], outside=sides[cpusplit.OUTSIDE],
                   idle=split["idle_percent"], rps=figures["achieved_rps"], p95=figures["p95_ms"],
                   parties=cpusplit.describe(split))
    elif found := _SIDES.search(text):
        app, databases, harness, outside, idle = (float(v) for v in found.groups())  # `services`: the mode
        row.update(app=app, services=databases, harness=harness, outside=outside, idle=idle)
        if summary := _SUMMARY.search(text):
            row.update(rps=float(summary.group(1)), p95=float(summary.group(2)))
    if per_request := _PER_REQUEST.search(text):
        row["cpu_ms_per_request"] = float(per_request.group(1))
    row["message"] = text.strip()
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--services", choices=("local", "docker"), default="local")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"capstone reference, {CHECK} at {args.rate:g} req/s, {args.runs} run(s), this machine: {cores} cores "
          f"({100 * cores}% of a core in all)")
    with tempfile.TemporaryDirectory(prefix="capstone-load-bench-") as tmp:
        project = materialize("backend", "production", Path(tmp) / "reference")
        for number in range(1, args.runs + 1):
            row = one_run(project, args.rate, args.services, Path(tmp) / f"run-{number}.json")
            if "harness" not in row:
                print(f"run {number}: {row['verdict']}, no CPU split found: {row['message'][:400]}")
                continue
            print(f"run {number}: {row['verdict']:5}  achieved {row.get('rps', 0):.0f} req/s, p95 "
                  f"{row.get('p95', 0):.1f} ms | % of a core: app {row['app']:.0f}, its databases "
                  f"{row['services']:.0f}, harness {row['harness']:.0f}, outside the run {row['outside']:.0f}; "
                  f"idle {row['idle']:.0f}% of the machine | harness share of the machine "
                  f"{row['harness'] / cores:.0f}% | app CPU per request {row.get('cpu_ms_per_request', 0):.2f} ms")
            if "parties" in row:
                print(f"       {row['parties']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
