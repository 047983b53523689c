"""A whole `harness check week-18` on the reference, measured: wall time, time to a ready
PostgreSQL, time to a ready app, harness overhead, and the harness process's peak memory.

Usage: python bench/check_bench.py [--runs 3] [--services local|docker]
Figures are medians over the runs; this machine is shared, so read them as orders of
magnitude and ratios, not as exact numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support.projects import materialize  # noqa: E402

TARGETS = {"services_ready": 1.5, "total": 20.0, "peak_rss_mb": 200.0}


def peak_rss(pid: int, stop: threading.Event, out: list[float]) -> None:
    peak = 0
    try:
        proc = psutil.Process(pid)
        while not stop.is_set():
            peak = max(peak, proc.memory_info().rss)
            time.sleep(0.02)
    except psutil.NoSuchProcess:
        pass
    out.append(peak / 2**20)


def one_run(services: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="harness-bench-") as tmp:
        project = materialize("node", "week-18", Path(tmp) / "reference")
        results = Path(tmp) / "results.json"
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "check", "week-18", "--project", str(project),
                                 "--services", services, "--json", str(results)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stop, rss = threading.Event(), []  # type: ignore[var-annotated]
        watcher = threading.Thread(target=peak_rss, args=(proc.pid, stop, rss))
        watcher.start()
        _, err = proc.communicate()
        wall = time.monotonic() - started
        stop.set()
        watcher.join()
        if proc.returncode != 0:
            raise SystemExit(f"the reference did not pass (exit {proc.returncode}):\n{err}")
        data = json.loads(results.read_text())
    t = data["timings_s"]
    checks = sum(c["duration_s"] for c in data["tests"])
    waited = t.get("services_ready", 0) + t.get("install", 0) + t.get("migrate", 0) + t.get("app_ready", 0)
    return {
        "wall": wall,
        "total": t["total"],
        "services_ready": t.get("services_ready", 0.0),
        "install": t.get("install", 0.0),
        "migrate": t.get("migrate", 0.0),
        "app_ready": t["app_ready"],
        "checks": checks,
        "overhead": wall - waited - checks,
        "peak_rss_mb": rss[0] if rss else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--services", default="local")
    args = parser.parse_args()
    runs = [one_run(args.services) for _ in range(args.runs)]
    print(f"harness check week-18 on the reference, --services {args.services}, {args.runs} runs, "
          f"{os.cpu_count()} CPUs (median [min-max])")
    labels = {
        "wall": "whole run, wall clock (s)",
        "total": "run as the harness timed it (s)",
        "services_ready": "time to a ready PostgreSQL (s)",
        "install": "npm ci (s)",
        "migrate": "migrate x2 (s)",
        "app_ready": "start to a ready app (s)",
        "checks": "the 8 checks (s)",
        "overhead": "harness overhead (s)",
        "peak_rss_mb": "harness peak RSS (MB)",
    }
    for key, label in labels.items():
        values = [r[key] for r in runs]
        median = statistics.median(values)
        target = TARGETS.get(key)
        verdict = "" if target is None else f"   target < {target:g}: {'ok' if median < target else 'MISSED'}" \
                                            f" ({median / target:.2f} of it)"
        print(f"  {label:<34} {median:8.3f}  [{min(values):.3f}-{max(values):.3f}]{verdict}")
    checks_share = statistics.median(r["overhead"] / r["wall"] for r in runs)
    print(f"  overhead share of the wall time      {checks_share:8.1%}")


if __name__ == "__main__":
    main()
