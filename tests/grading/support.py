"""A folder of submissions to grade: the week-18 reference, each of its defects, and the
hostile and broken corpus; a warm HOME template so installs need no registry; and a count
of what grading could leave behind."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

from harness.grading.cgroups import PREFIX, Hierarchy
from harness.grading.workspace import DEFAULT_UIDS
from tests.support import timing
from tests.support.locks import machine_lock
from tests.support.projects import ROOT, children_cpu, defects, materialize

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
POLICY = HERE / "policy.toml"
LAB = "node/week-18"


def corpus_names() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def host_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses: the submission must not reach them."""
    found = []
    for addrs in psutil.net_if_addrs().values():
        for addr in addrs:
            if addr.family == socket.AF_INET and not addr.address.startswith("127."):
                found.append(addr.address)
    return sorted(found)


def build_submissions(dest: Path, *, trap_port: int = 9, corpus: bool = True, lab: bool = True) -> list[str]:
    """The folder `harness grade` gets; returns the submission names."""
    dest.mkdir(parents=True, exist_ok=True)
    if lab:
        materialize("node", "week-18", dest / "reference")
        for defect in defects("node", "week-18"):
            materialize("node", "week-18", dest / f"defect-{defect}", defect)
    if corpus:
        for name in corpus_names():
            source = CORPUS / name
            target = dest / name
            if (source / "OVERLAY").is_file():
                materialize("node", "week-18", target)
            shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("OVERLAY"))
        targets = {"hosts": host_addresses(), "ports": [trap_port]}
        (dest / "net-escape" / "targets.json").write_text(json.dumps(targets))
        (dest / "empty").mkdir()
        plant_root_only_link(dest / "hard-link" / "shadow")
        DECOY.write_text("the coverage-* submissions name this file as their report; it must survive\n")
    return sorted(p.name for p in dest.iterdir())


# What the coverage-* submissions name as their coverage report, outside their folders.
DECOY = Path("/tmp/harness-decoy-coverage.json")
SECRET = "ROOT-ONLY-SECRET"


def plant_root_only_link(link: Path) -> None:
    """A hard link in the submission to a file only root may read, on the same filesystem
    (as someone with a shell on the grading machine could make one)."""
    secret = link.parent.parent.parent / "root-only-secret"
    if not secret.exists():
        secret.write_text(SECRET + "\n")
    os.chmod(secret, 0o600)
    os.link(secret, link)


def home_template(dest: Path) -> Path:
    """A HOME with an npm cache holding the week-18 dependencies, filled once (offline when
    this machine's own npm cache has them)."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / ".npmrc").write_text("update-notifier=false\naudit=false\nfund=false\nprefer-offline=true\n")
    own = Path.home() / ".npm" / "_cacache"
    if own.is_dir():  # other npm runs may be writing to it: take what is there
        with contextlib.suppress(shutil.Error):
            shutil.copytree(own, dest / ".npm" / "_cacache", dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("tmp"))
    project = materialize("node", "week-18", dest.parent / "warm-project")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--cache", str(dest / ".npm")],
                   cwd=project, check=True, capture_output=True, timeout=300)
    shutil.rmtree(project)
    return dest


@dataclass
class Graded:
    code: int
    stdout: str
    stderr: str
    out: Path

    def explain(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}{self._not_passed()}"

    def _not_passed(self) -> str:
        """Each submission's checks that did not pass, with their messages: why a grade is what it is."""
        lines = []
        for results in sorted(self.out.glob("*/results.json")):
            try:
                tests = json.loads(results.read_text())["tests"]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            lines += [f"{results.parent.name}: {test.get('id')} {test.get('status')}: {str(test.get('message'))[:800]}"
                      for test in tests if isinstance(test, dict) and test.get("status") not in ("pass", "skip")]
        return "\n--- checks that did not pass\n" + "\n".join(lines) if lines else ""

    def gradebook(self) -> list[dict[str, str]]:
        import csv

        with open(self.out / "gradebook.csv", newline="") as handle:
            return list(csv.DictReader(handle))


def grade(*args: str, out: Path, timeout: float = 900) -> Graded:
    argv = [sys.executable, "-m", "harness.cli", "grade", *args, "--out", str(out)]
    before = children_cpu()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "NO_COLOR": "1"})
    timing.record_run({"lab": "(harness grade)"}, children_cpu() - before)  # the jails' CPU included
    return Graded(proc.returncode, proc.stdout, proc.stderr, out)


@contextmanager
def trap_listener() -> Iterator[tuple[int, list[str]]]:
    """A TCP listener on the host (all addresses): a sandboxed submission must never reach it."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", 0))
    server.listen(16)
    server.settimeout(0.2)
    hits: list[str] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except OSError:
                continue
            hits.append(f"{peer[0]}:{peer[1]}")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], hits
    finally:
        stop.set()
        thread.join(2)
        server.close()


def programs_and_uids() -> Iterator[tuple[list[str], int]]:
    """Each process's command line and real uid, read as one image: the command line, then the
    uids, then the command line again. A process that exec'd in between (a root `setpriv` that
    became a server under another uid) is left for the next look: psutil's as_dict reads its
    attributes in no set order, and the uid of the image before the exec paired with the command
    line after it looked like a server running as root."""
    for proc in psutil.process_iter():
        try:
            cmdline = proc.cmdline()
            uid = proc.uids().real
            if proc.cmdline() != cmdline:
                continue
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        yield cmdline, uid


def _snapshot() -> list[str]:
    low, high = DEFAULT_UIDS
    found = []
    for proc in psutil.process_iter(["pid", "ppid", "uids", "cmdline", "cwd", "status", "name"]):
        try:
            uids = proc.info["uids"]
            cmdline = " ".join(proc.info["cmdline"] or []) or f"[{proc.info['name']}] {proc.info['status']}"
            cwd = proc.info["cwd"] or ""
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        # Zombies count: where PID 1 does not reap, an orphaned one stays for good.
        if (uids is not None and low <= uids.real <= high) or PREFIX in cmdline or PREFIX in cwd \
                or "harness.grading.worker" in cmdline:
            found.append(f"process {proc.info['pid']} (parent {proc.info['ppid']}): {cmdline[:120]}")
    for folder in (Path("/dev/shm"), Path(os.environ.get("TMPDIR", "/tmp"))):
        found += [f"folder {p}" for p in folder.glob(f"{PREFIX}*")]
    hierarchy = Hierarchy.detect()
    if hierarchy is not None:
        found += [f"cgroup {p}" for p in hierarchy.leftovers()]
    return found


@contextmanager
def grading_alone() -> Iterator[None]:
    """One grading test at a time on this machine (across pytest workers): each counts what
    gradings leave machine-wide, and a grading running beside it would count as its own."""
    with machine_lock("grading"):
        yield


def leftovers(before: list[str] | None = None, settle_s: float = 60.0) -> list[str]:
    """What a grading run could leave (processes of submission uids, zombies included, or in
    grading folders; scratch folders; cgroups), new since `before`. What is still going away gets
    time to go: a killed grader's reaper removes its folders, then its cgroups after a pause of its
    own (harness/proc/reaper.py), seconds more on a busy machine. Nothing left ends the wait."""
    deadline = time.monotonic() + settle_s
    while True:
        found = sorted(set(_snapshot()) - set(before or []))
        if not found or before is None or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


@contextmanager
def looking(look: Callable[[], None], interval_s: float = 0.05) -> Iterator[None]:
    """Call `look` every `interval_s` in a thread of its own until the block ends: what a
    grading's processes are seen as (their uids) while it runs."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            look()
            stop.wait(interval_s)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)


def checks_of(out: Path, submission: str) -> dict[str, dict[str, object]]:
    """A graded submission's check results by id, from its results.json."""
    results = json.loads((out / submission / "results.json").read_text())
    return {check["id"]: check for check in results["tests"]}
