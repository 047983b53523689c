"""The corpus grading, done once per session and read by test_grade_corpus and
test_grade_warm_deps: the week-18 reference, each defect, the hostile and broken corpus and
the warmed-dependency cases, graded whole with --jobs 2 and --warm-deps; then a part of it
graded again as two shards run at the same time and merged.

Why one batch: the warmed-dependency cases need the same lab, policy, HOME template, seed and
--warm-deps as the corpus, and their proof needs a reference graded after a submission that
wrote into its copy, which the corpus's reference is (below). Grading them apart warmed the
lab's dependencies and graded the reference a second time, for nothing more.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.grading.support import (
    LAB,
    POLICY,
    Graded,
    build_submissions,
    grade,
    grading_alone,
    leftovers,
    trap_listener,
)
from tests.support import timing
from tests.support.projects import ROOT, children_cpu, materialize

# What the sharded grading grades again: two projects that run every check, and hostile ones
# that hit a limit, crash, or stop their own database. Two graders on one machine at once
# (uids, cgroups, ports, databases apart) and the merge are what it proves; the rest of the
# corpus says nothing more about them and would double the test's cost.
SHARDED = ("reference", "defect-db.pool.bounded", "fork-bomb", "memory-bomb", "kills-own-db", "crash-mid-run",
           "never-ready", "log-flood")

# The warmed-dependency cases (test_grade_warm_deps). Submissions are graded in the order of
# their names, two at a time: a-poisons-deps is the first, so it has written into its copy
# long before "reference", two dozen submissions later, copies the store.
POISONS = "a-poisons-deps"
CHANGED_LOCKFILE = "b-changed-lockfile"
LINKED_MODULES = "c-linked-modules"
POISON = "throw new Error('poisoned dependency')"


@dataclass
class Gradings:
    whole: Graded
    merged: Graded
    shards: list[Graded]
    trap_hits: list[str]
    before: list[str]
    after: list[str]
    outside: Path               # where c-linked-modules' node_modules link points
    outside_before: list[str]   # what was in it before grading


def _poisoning(target: Path) -> None:
    materialize("node", "week-18", target)
    # Its start command rewrites a dependency of its copy, then starts the app, which loads it.
    (target / "scripts" / "poison.sh").write_text(
        f"printf '%s\\n' \"{POISON}\" > node_modules/pg/lib/index.js\nexec node src/server.js\n")
    config = target / "harness.toml"
    config.write_text(config.read_text().replace('start = "node src/server.js"', 'start = "sh scripts/poison.sh"'))


def _changed_lockfile(target: Path) -> None:
    materialize("node", "week-18", target)
    lock = target / "package-lock.json"
    lock.write_text(json.dumps(json.loads(lock.read_text()), indent=1) + "\n")  # same packages, other bytes


def _linked_modules(target: Path, outside: Path) -> None:
    materialize("node", "week-18", target)
    (target / "node_modules").symlink_to(outside)


def _part(folder: Path, names: tuple[str, ...], dest: Path) -> Path:
    dest.mkdir()
    for name in names:
        shutil.copytree(folder / name, dest / name, symlinks=True)
    return dest


def _shards_at_once(folder: Path, base: list[str], out: Path) -> list[Graded]:
    """Two matrix jobs on one machine, at the same time."""
    procs = []
    before = children_cpu()
    for k in (1, 2):
        argv = [sys.executable, "-m", "harness.cli", "grade", str(folder), *base, "--shard", f"{k}/2",
                "--out", str(out / f"grades-{k}")]
        procs.append(subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      env={**os.environ, "NO_COLOR": "1"}))
    done = []
    for k, proc in zip((1, 2), procs, strict=True):
        stdout, stderr = proc.communicate(timeout=900)
        done.append(Graded(proc.returncode, stdout, stderr, out / f"grades-{k}"))
    timing.record_run({"lab": "(harness grade)"}, children_cpu() - before)
    return done


def grade_corpus(root: Path, home: Path) -> Gradings:
    outside = root / "outside-modules"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the submission's\n")
    os.chmod(root, 0o755)  # the link's target is reachable: only the harness keeps it from being written
    with grading_alone(), trap_listener() as (port, hits):
        before = leftovers()
        folder = root / "submissions"
        build_submissions(folder, trap_port=port)
        _poisoning(folder / POISONS)
        _changed_lockfile(folder / CHANGED_LOCKFILE)
        _linked_modules(folder / LINKED_MODULES, outside)
        outside_before = sorted(p.name for p in outside.iterdir())
        base = ["--lab", LAB, "--weights", str(POLICY), "--home-template", str(home), "--seed", "18",
                "--warm-deps"]
        whole = grade(str(folder), *base, "--jobs", "2", out=root / "whole")
        shards = _shards_at_once(_part(folder, SHARDED, root / "part"), base, root)
        merged = grade("--merge", str(shards[0].out), str(shards[1].out), out=root / "merged")
        after = leftovers(before)
    return Gradings(whole, merged, shards, list(hits), before, after, outside, outside_before)
