"""Lab projects for tests: a reference, or a reference with a defect overlay laid over it.

A defect folder holds only the files that differ from the reference, and a reference
only what differs from the starter it solves (a layer), so no project is written twice;
the overlay is copied onto a fresh lay-out of the reference.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.layers import SKIPPED as LAYER_SKIPPED
from harness.layers import lay_out, lay_step
from harness.runner.toolchain import java_environment
from tests.support import forkserver, timing
from tests.support.locks import machine_lock
from tests.support.proof_groups import Overlay

ROOT = Path(__file__).resolve().parents[2]
LAB_TESTS = ROOT / "tests" / "labs"
# A reference may be a layer over its lab's starter (harness/layers.py); an overlay's
# README.md says what its defect is and does not belong in the project.
SKIPPED = (*LAYER_SKIPPED, "README.md")


def reference(track: str, week: str) -> Path:
    return LAB_TESTS / track / week / "reference"


def defects(track: str, week: str) -> list[str]:
    folder = LAB_TESTS / track / week / "defects"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def materialize(track: str, week: str, target: Path, defect: str | None = None, *, folder: str = "defects") -> Path:
    """Copy the reference into `target` and lay the defect's (or variant's) files over it."""
    lay_out(reference(track, week), target, skip=SKIPPED)
    if defect is not None:
        overlay = LAB_TESTS / track / week / folder / defect
        if not overlay.is_dir():
            raise FileNotFoundError(f"no defect overlay {overlay}")
        # An overlay may itself be a layer: a lab that shares another lab's defect names it.
        lay_out(overlay, target, skip=SKIPPED)
    warm_maven_cache(target)
    return target


def materialize_together(track: str, week: str, target: Path, overlays: Sequence[Overlay]) -> Path:
    """Copy the reference into `target` and lay several defects over it (tests/support/proof_groups.py)."""
    lay_out(reference(track, week), target, skip=SKIPPED)
    for item in overlays:
        assert item.steps is not None, f"{item.name} builds on another project: it runs alone"
        for step in item.steps:
            lay_step(step, target, skip=SKIPPED)
    warm_maven_cache(target)
    return target


@functools.cache
def _laid_reference(track: str, week: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="harness-tests-reference-"))
    atexit.register(shutil.rmtree, folder, True)
    return lay_out(reference(track, week), folder / "reference", skip=SKIPPED)


@functools.cache
def reference_text(track: str, week: str, name: str) -> str:
    """A file of the laid-out reference, as written (no line endings translated)."""
    with (_laid_reference(track, week) / name).open(encoding="utf-8", newline="") as file:
        return file.read()


def warm_maven_cache(project: Path) -> None:
    """Build a Maven project once, alone, before the tests build it side by side: two first
    builds on a cold ~/.m2 download the same artifacts into it at the same time."""
    pom = project / "pom.xml"
    if not pom.is_file() or shutil.which("mvn") is None:
        return
    key = hashlib.sha1(pom.read_bytes()).hexdigest()[:12]
    done = Path(tempfile.gettempdir()) / f"harness-tests-maven-{key}.done"
    with machine_lock("maven"):
        if done.exists():
            return
        # The JDK the pom compiles for, as the harness finds one for a lab's `java = N`.
        release = re.search(r"<maven\.compiler\.release>(\d+)<", pom.read_text(encoding="utf-8"))
        env = {**os.environ, **java_environment(int(release.group(1)) if release else None)}
        build = subprocess.run(["mvn", "-q", "-B", "-DskipTests", "package"], cwd=project,
                               capture_output=True, text=True, timeout=900, env=env)
        assert build.returncode == 0, f"mvn package in {project} failed:\n{build.stdout}{build.stderr}"
        shutil.rmtree(project / "target", ignore_errors=True)
        done.touch()


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    results: dict[str, Any] | None

    def statuses(self) -> dict[str, str]:
        assert self.results is not None, self.stdout + self.stderr
        # The harness's own verdict (skip included), not Exercism's pass/fail/error.
        return {t["id"]: t.get("harness_status", t["status"]) for t in self.results["tests"]}

    def failed(self) -> set[str]:
        return {k for k, v in self.statuses().items() if v != "pass"}

    def explain(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def harness(*args: str, cwd: Path | None = None, timeout: float = 600, env: dict[str, str] | None = None) -> Run:
    """The real CLI in a subprocess, as a user runs it; results read from --json."""
    results_path = None
    argv = [sys.executable, "-m", "harness.cli", *args]
    if "check" in args and "--json" not in args:
        results_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"harness-test-{os.getpid()}-{id(argv)}.json"
        argv += ["--json", str(results_path)]
    elif "--json" in args:
        results_path = Path(args[args.index("--json") + 1])
    run_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    server = forkserver.server_for(run_env)
    # The same run, without importing the harness again (forkserver.py), where the server can run it.
    forked = server.run(argv[3:], cwd=cwd or ROOT, env=run_env, timeout=timeout) if server is not None else None
    if forked is not None:
        code, stdout, stderr, cpu_s = forked
    else:
        before = children_cpu()
        proc = subprocess.run(argv, cwd=cwd or ROOT, capture_output=True, text=True, timeout=timeout, env=run_env)
        code, stdout, stderr, cpu_s = proc.returncode, proc.stdout, proc.stderr, children_cpu() - before
    results = None
    if results_path is not None and results_path.is_file():
        results = json.loads(results_path.read_text())
        timing.record_run(results, cpu_s)
        if "--json" not in args:  # ours, not the caller's: leave nothing behind in /tmp
            results_path.unlink()
    elif args:  # a grading, a bench, a usage error: its CPU counts in the suite's budget all the same
        timing.record_run({"lab": f"(harness {args[0]})"}, cpu_s)
    return Run(code, stdout, stderr, results)


def children_cpu() -> float:
    """CPU seconds of this worker's reaped children so far (a pytest worker runs one test at a time)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def default_sigint() -> None:
    """preexec_fn for a harness a test stops with SIGINT (Ctrl-C): a process started in the
    background of a non-interactive shell inherits SIGINT ignored, and so would the harness,
    which then never hears the test's Ctrl-C (Python keeps an inherited SIG_IGN)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
