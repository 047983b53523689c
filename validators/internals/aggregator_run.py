"""One run of the learner's aggregator on a large generated log, shared by the aggregate checks.

The first check that asks writes the file (validators/internals/access_log.py) into a fresh
`<project>/.harness/log-<token>/` (inside the project, so a grading jail sees it at the same
path; made through descriptors that follow no link the project ships, owned by the project's
owner when the harness runs as root), runs `[commands] aggregate` from harness.toml with the
file's path appended, through the app's launcher (the submission's account and jail), and
removes the folder. The run's outcome (exit code, output, wall time, peak RSS: its processes'
VmHWM read while it runs, and wait4's ru_maxrss when it is reaped) is kept for the run: the
totals and the memory checks judge the same run, and a second round (`--repeat`) judges it
again instead of paying for the file twice. A harness stopped by Ctrl-C
leaves its check threads behind: an exit handler stops the command and removes the folder; the
reaper removes it after a harness killed outright.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from harness.config import load_config
from harness.errors import HarnessError
from harness.outcomes import Failure
from harness.proc.process import ManagedProcess
from harness.registry import CheckContext

from .access_log import Plan, Totals, plan

COMMAND = "aggregate"
SCRATCH = ".harness"
RUN_BUDGET_S = 120.0
SAMPLE_S = 0.05
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
EXAMPLE = f'[commands]\n{COMMAND} = "node src/aggregate.js"'
# What node prints when V8's heap is full (FATAL ERROR: Reached heap limit Allocation failed -
# JavaScript heap out of memory) or a string would pass its largest size.
OOM_MARKS = ("heap out of memory", "Reached heap limit", "ERR_STRING_TOO_LONG", "Cannot create a string longer")


@dataclass(frozen=True)
class AggregatorRun:
    command: str  # as the learner would type it, with a placeholder for the file
    size_bytes: int
    expected: Totals
    code: int | None  # None: stopped at the budget
    output: str
    seconds: float
    peak_rss_bytes: int | None
    seed: int

    @property
    def out_of_memory(self) -> str | None:
        """Why the run looks ended by a memory limit (V8's heap, or a SIGKILL as the OOM killer and a
        cgroup's limit send it; through the shell, 128 + 9), else None."""
        for line in self.output.splitlines():
            if any(mark in line for mark in OOM_MARKS):
                return line.strip()[:200]
        if self.code in (-9, 137):
            return "killed by SIGKILL, as a memory limit kills a process"
        return None


@dataclass(frozen=True)
class _Scratch:
    """`<project>/.harness/log-<token>/`, held by descriptors opened without following a link: the
    project is the submission's when grading (its account may rename or replace the folders while
    its app runs), and the harness writes the log and removes the folder as root. Every step goes
    through `parent` and `folder`, the folders as they were made, never through the path again;
    `path` is only what the command is given."""

    path: Path
    parent: int  # <project>/.harness
    folder: int  # its log-<token>

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            shutil.rmtree(self.path.name, dir_fd=self.parent)
        os.close(self.folder)
        os.close(self.parent)
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()  # .harness, when nothing else is in it (rmdir follows no link)


_lock = threading.Lock()
_runs: dict[tuple[str, int, str], AggregatorRun] = {}
# What a Ctrl-C would leave behind: the running command and its folder.
_live: dict[Path, tuple[_Scratch, ManagedProcess | None]] = {}


def _leftovers() -> None:
    for key in list(_live):
        entry = _live.pop(key, None)
        if entry is None:  # its run's own cleanup came first
            continue
        scratch, process = entry
        if process is not None:
            process.stop(grace_s=1.0)
        scratch.remove()


atexit.register(_leftovers)


def command_of(ctx: CheckContext) -> str:
    """The project's `[commands] aggregate`, or a failure that says how to declare it."""
    try:
        commands = load_config(ctx.app.project_dir).commands
    except HarnessError as exc:
        raise Failure(f"harness.toml cannot be read: {exc.message}", hint="Fix harness.toml.",
                      reproduce="cat harness.toml") from None
    if COMMAND not in commands:
        raise Failure(f"harness.toml declares no [commands] {COMMAND}: the harness does not know how to run "
                      "your aggregator",
                      expected=EXAMPLE, actual=", ".join(sorted(commands)) or "no [commands] table",
                      hint=f"Add to harness.toml:\n{EXAMPLE}\nThe harness appends the log file's path to it.",
                      reproduce="cat harness.toml")
    return commands[COMMAND]


def _scratch(project: Path) -> _Scratch:
    """A fresh `<project>/.harness/log-<token>/`, refusing links in place of either folder. Modes
    are set on the descriptors: the grader's umask (077) would hide both from the jailed run."""
    owner = os.stat(project) if os.geteuid() == 0 else None
    name = f"log-{secrets.token_hex(6)}"
    root = os.open(project, _DIR)
    try:
        with contextlib.suppress(FileExistsError):
            os.mkdir(SCRATCH, 0o755, dir_fd=root)
        parent = os.open(SCRATCH, _DIR, dir_fd=root)  # O_NOFOLLOW: a link in its place is refused
    finally:
        os.close(root)
    try:
        if owner is not None:
            os.fchown(parent, owner.st_uid, owner.st_gid)
        os.fchmod(parent, 0o755)
        os.mkdir(name, 0o755, dir_fd=parent)
        folder = os.open(name, _DIR, dir_fd=parent)
    except OSError:
        os.close(parent)
        raise
    if owner is not None:
        os.fchown(folder, owner.st_uid, owner.st_gid)
    os.fchmod(folder, 0o755)
    return _Scratch(project / SCRATCH / name, parent, folder)


def _write(scratch: _Scratch, log: Plan) -> Path:
    fd = os.open("access.log", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644,
                 dir_fd=scratch.folder)
    with os.fdopen(fd, "wb", buffering=0) as out:
        os.fchmod(out.fileno(), 0o644)  # readable by the jailed run whatever the umask
        log.write(out)
    return scratch.path / "access.log"


def aggregated(ctx: CheckContext, size_mb: int) -> AggregatorRun:
    """The run's aggregator run on a file of `size_mb` MiB (run by the first check that asks)."""
    command = command_of(ctx)
    key = (ctx.run_id, size_mb, command)
    with _lock:
        found = _runs.get(key)
        if found is None:
            found = _runs[key] = _run(ctx, command, size_mb)
        return found


def _descendants(pid: int) -> list[int]:
    """The process and every process under it, through /proc/<pid>/task/<tid>/children."""
    found, todo = [], [pid]
    while todo:
        here = todo.pop()
        found.append(here)
        try:
            tasks = os.listdir(f"/proc/{here}/task")
        except OSError:
            continue
        for task in tasks:
            with contextlib.suppress(OSError, ValueError):
                todo.extend(int(child) for child in Path(f"/proc/{here}/task/{task}/children").read_text().split())
    return found


def _high_water_bytes(pid: int) -> int:
    """VmHWM, the process's peak resident set size so far; 0 when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _wait_sampling(process: ManagedProcess) -> tuple[int | None, int]:
    """Wait for the command (None: past the budget), reading the largest VmHWM of its processes
    every SAMPLE_S. wait4 alone sees only what the leader reaped, and a grading jail's bwrap
    exits on its child's status without reaping it: the program's peak never reaches the harness."""
    deadline = time.monotonic() + RUN_BUDGET_S
    peak = 0
    while True:
        peak = max([peak, *(_high_water_bytes(pid) for pid in _descendants(process.pid))])
        code = process.wait_exit(SAMPLE_S)
        if code is not None or time.monotonic() >= deadline:
            return code, peak


def _run(ctx: CheckContext, command: str, size_mb: int) -> AggregatorRun:
    log = plan(ctx.seed, size_mb)
    scratch = _scratch(ctx.app.project_dir)
    _live[scratch.path] = (scratch, None)
    ctx.app.remove_if_killed(scratch.path)  # a harness killed outright runs no exit handler
    try:
        path = _write(scratch, log)
        # "$1" keeps the path one argument whatever the command's own quoting. The shell reaps the
        # program, so wait4 on it counts the program's peak (as it does any jail's chain).
        process = ctx.app.start_command("aggregate", ["/bin/sh", "-c", f'{command} "$1"', "aggregate", str(path)])
        _live[scratch.path] = (scratch, process)
        code, sampled = _wait_sampling(process)
        seconds = time.monotonic() - process.started_at
        process.stop(grace_s=1.0)
        reaped = process.peak_rss_bytes
        return AggregatorRun(command=f"{command} access.log", size_bytes=log.size_bytes, expected=log.totals(),
                             code=code, output=process.log.text(), seconds=seconds,
                             peak_rss_bytes=max(reaped or 0, sampled) or None, seed=ctx.seed)
    finally:
        if _live.pop(scratch.path, None) is not None:
            scratch.remove()
        ctx.app.removed(scratch.path)
