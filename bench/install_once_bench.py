"""Several checks of one lockfile started at once: installs made, wall and CPU seconds.

Usage: python bench/install_once_bench.py [--lab python/week-11] [--copies 3]
Starts `--copies` checks of copies of the lab's reference at the same moment, each on an empty
dependency cache, twice: once with a cache of its own each (what simultaneous checks got before
one install per key: every one missed the cache and installed), once sharing one cache (the first
installs, the others wait for it and copy its folders). The proof suite starts a lab's reference,
starter and defects side by side in this way. Each check copies PostgreSQL's cached cluster into
its cache first, so that only the dependencies differ. CPU seconds are the checks' and their
installs' (the children this bench waited for). The machine is shared: read ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from harness import cache  # noqa: E402
from tests.support.projects import materialize  # noqa: E402

CHECK = "db.migrations.versioned"  # one quick check: the install is what is measured


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _empty_cache(folder: Path) -> Path:
    """A cache with the user's initialised PostgreSQL cluster and no dependencies."""
    pg = cache.root("pg")
    (folder / "harness").mkdir(parents=True)
    if pg.is_dir():
        cache.copy_tree(pg, folder / "harness" / "pg")  # owners kept: the cluster is not root's
    pip = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pip"
    if pip.is_dir():  # pip's download cache as the user has it: the same for both ways
        (folder / "pip").symlink_to(pip)
    return folder


def _at_once(lab: str, projects: list[Path], caches: list[Path]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and installs made by checks of `projects` started together."""
    before, started = _cpu(), time.monotonic()
    procs = []
    for project, folder in zip(projects, caches, strict=True):
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "harness.cli", "check", lab, "--project", str(project), "--services", "local",
             "--only", CHECK, "--json", str(project.parent / f"{project.name}.json")],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(folder)}))
    for project, proc in zip(projects, procs, strict=True):
        out, _ = proc.communicate(timeout=900)
        if proc.returncode != 0:
            raise SystemExit(f"{project.name}: the check did not pass (exit {proc.returncode}):\n{out}")
    wall, cpu = time.monotonic() - started, _cpu() - before
    installs = sum(1 for p in projects
                   if json.loads((p.parent / f"{p.name}.json").read_text())["timings_s"].get("install"))
    return wall, cpu, installs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", default="python/week-11")
    parser.add_argument("--copies", type=int, default=3)
    args = parser.parse_args()
    track, week = args.lab.split("/")
    figures = {}
    for way in ("a cache each", "one cache"):
        with tempfile.TemporaryDirectory(prefix="harness-bench-") as tmp:
            projects = [materialize(track, week, Path(tmp) / f"copy-{k}") for k in range(args.copies)]
            if way == "one cache":
                caches = [_empty_cache(Path(tmp) / "cache")] * args.copies
            else:
                caches = [_empty_cache(Path(tmp) / f"cache-{k}") for k in range(args.copies)]
            figures[way] = _at_once(args.lab, projects, caches)
    print(f"{args.lab}: {args.copies} checks started at once, each on an empty dependency cache")
    print(f"{'':<14} {'installs':>8} {'wall s':>7} {'CPU s':>7}")
    for way, (wall, cpu, installs) in figures.items():
        print(f"{way:<14} {installs:>8} {wall:7.1f} {cpu:7.1f}")
    (wall_a, cpu_a, _), (wall_b, cpu_b, _) = figures.values()
    print(f"one cache / a cache each: wall {wall_b / wall_a:.2f}, CPU {cpu_b / cpu_a:.2f}")


if __name__ == "__main__":
    main()
