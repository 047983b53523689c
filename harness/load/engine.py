"""The parent side: start the load children, relay their progress, merge their results.

This module never imports gevent or Locust (importing Locust monkey-patches the whole
interpreter and breaks the Docker and database clients the harness uses). It talks to
``harness.load.worker`` children through pipes (JSON lines) and result files.

Process layout:
* open model: N ``open`` children, each sending every N-th request of one schedule;
* closed model: one ``closed`` child (Locust's local runner), or a ``closed`` master
  plus N ``locust-worker`` children (Locust's distributed mode), plus any remote
  workers started by hand on other machines (docs/bench.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from harness.load import cpusplit
from harness.load.blame import SATURATED_IDLE_PERCENT
from harness.load.recorder import Partial
from harness.load.schedule import Schedule
from harness.load.settle import EarlyStop
from harness.load.spec import RunSpec
from harness.proc.ports import free_port

_READY_TIMEOUT = 60.0  # seconds for children to import Locust/gevent (and workers to join)
_START_MARGIN = 0.3  # seconds between the start line and t0: every child gets it in time
_BOOTSTRAP = (
    "from gevent import monkey; monkey.patch_all()\n"
    "import sys\n"
    "from harness.load.worker import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


class LoadError(RuntimeError):
    """The load generator itself could not run; the message says why (not the target's fault).

    ``usage`` is set when the cause is the user's input (a Locust file that fails to
    import), which the CLI reports as a configuration error rather than a crash.
    """

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class Tick:
    """One second of the run, all children together (for the live progress line)."""

    second: int
    target_rate: float
    sent: int
    completed: int
    errors: int
    p95_ms: float | None  # the worst child's p95 for that second (exact when N == 1)
    cpu_percent: float


@dataclass
class _Child:
    role: str
    process: subprocess.Popen[str]
    stderr_path: Path
    result_path: Path | None
    talks: bool  # sends ready/progress/done on stdout
    ready: bool = False
    done: bool = False
    progress: dict[int, dict[str, Any]] = field(default_factory=dict)

    def stderr_tail(self, lines: int = 12) -> str:
        try:
            text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The children import this package from where the parent found it (a checkout
    # run without installation included).
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


class LoadRun:
    """Runs one load test; ``run`` returns the merged measurements of all children."""

    def __init__(self, spec: RunSpec, *, workers: int = 1, distributed: bool = False,
                 remote_workers: int = 0, master_bind: str | None = None,
                 on_tick: Callable[[Tick], None] | None = None,
                 early_stop: EarlyStop | None = None) -> None:
        self.spec = spec
        self.workers = max(1, workers)
        self.distributed = spec.model == "closed" and (distributed or remote_workers > 0)
        self.remote_workers = remote_workers
        self.master_bind = master_bind
        self.on_tick = on_tick
        # Open model: stop the run once its verdict is settled (settle.py), decided here on the
        # sum of the workers' counts of each second, never on one worker's alone.
        self.early_stop = early_stop if spec.model == "open" else None
        self.stop_reason: str | None = None
        self._children: list[_Child] = []
        self._events: queue.Queue[tuple[int, dict[str, Any]]] = queue.Queue()
        # /proc at the start and the end of the steady window (after the ramp-up, until the
        # schedule ends): who had the CPU while the full rate was asked (cpusplit).
        self.cpu_window: tuple[cpusplit.Snapshot, cpusplit.Snapshot] | None = None
        self._cpu_marks: list[cpusplit.Snapshot] = []

    def run(self) -> Partial:
        with tempfile.TemporaryDirectory(prefix="harness-load-") as tmp:
            try:
                self._start_children(Path(tmp))
                self._wait_ready()
                start_at = time.time() + _START_MARGIN
                for child in self._talkers():
                    assert child.process.stdin is not None
                    child.process.stdin.write(f"start {start_at!r}\n")
                    child.process.stdin.flush()
                marks = self._mark_cpu(start_at)
                self._follow()
                for mark in marks:
                    mark.cancel()
                    mark.join()
                if len(self._cpu_marks) == 1:  # the children were done before the end mark's timer fired
                    self._cpu_marks.append(cpusplit.snapshot())
                if len(self._cpu_marks) == 2:
                    self.cpu_window = (self._cpu_marks[0], self._cpu_marks[1])
                return self._collect()
            finally:
                self._stop_children()

    def _mark_cpu(self, start_at: float) -> list[threading.Timer]:
        """Snapshots of /proc when the steady window starts and ends (timers, off the main loop)."""
        now = time.time()
        marks = []
        for at in (start_at + self.spec.ramp_up, start_at + self.spec.duration):
            timer = threading.Timer(max(0.0, at - now), lambda: self._cpu_marks.append(cpusplit.snapshot()))
            timer.daemon = True
            timer.start()
            marks.append(timer)
        return marks

    # -- children ----------------------------------------------------------------------
    def _spawn(self, role: str, args: list[str], tmp: Path, result: Path | None,
               talks: bool) -> None:
        stderr_path = tmp / f"{role.replace(' ', '-')}.stderr"
        with stderr_path.open("w", encoding="utf-8") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOTSTRAP, *args, "--watch-parent"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE if talks else subprocess.DEVNULL,
                stderr=stderr, text=True, env=_child_env(),
                # A group of its own: stopping it reaches anything the child started.
                start_new_session=True,
            )
        index = len(self._children)
        self._children.append(_Child(role, process, stderr_path, result, talks))
        if talks:
            threading.Thread(target=self._read, args=(index, process.stdout), daemon=True,
                             name=f"load-{role}").start()

    def _read(self, index: int, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            line = line.strip()
            if not line:
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                event = {"event": "log", "line": line}
            self._events.put((index, event))
        self._events.put((index, {"event": "eof"}))

    def _start_children(self, tmp: Path) -> None:
        if self.spec.model == "open":
            for i in range(self.workers):
                spec_path, result = tmp / f"spec-{i}.json", tmp / f"result-{i}.json"
                worker_spec = self.spec.for_worker(i, self.workers)
                if self.early_stop is not None:
                    worker_spec = replace(worker_spec, watch_cutoffs_us=self.early_stop.cutoffs_us)
                worker_spec.write(spec_path)
                self._spawn(f"open worker {i}", ["open", "--spec", str(spec_path), "--result",
                                                 str(result)], tmp, result, talks=True)
            return
        spec_path, result = tmp / "spec.json", tmp / "result.json"
        self.spec.write(spec_path)
        args = ["closed", "--spec", str(spec_path), "--result", str(result)]
        if not self.distributed:
            self._spawn("locust", args, tmp, result, talks=True)
            return
        bind = self.master_bind or f"127.0.0.1:{free_port()}"
        expected = self.workers + self.remote_workers
        self._spawn("locust master", [*args, "--master-bind", bind, "--expect-workers",
                                      str(expected)], tmp, result, talks=True)
        host, _, port = bind.rpartition(":")
        connect = f"{'127.0.0.1' if host in ('', '*', '0.0.0.0') else host}:{port}"
        for i in range(self.workers):
            self._spawn(f"locust worker {i}", ["locust-worker", "--spec", str(spec_path),
                                               "--master", connect], tmp, None, talks=False)

    def _talkers(self) -> list[_Child]:
        return [c for c in self._children if c.talks]

    def _fail(self, child: _Child, what: str) -> LoadError:
        tail = child.stderr_tail()
        more = f"\n--- last lines of its stderr ---\n{tail}" if tail else ""
        return LoadError(f"the load generator ({child.role}) {what}{more}")

    def _next_event(self, timeout: float) -> tuple[int, dict[str, Any]] | None:
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            return None

    def _handle(self, index: int, event: dict[str, Any]) -> None:
        child = self._children[index]
        kind = event.get("event")
        if kind == "error":
            if event.get("usage"):
                raise LoadError(str(event.get("message")), usage=True)
            raise self._fail(child, f"failed: {event.get('message')}")
        if kind == "eof" and not child.done:
            code = child.process.wait()
            raise self._fail(child, f"exited with code {code} before finishing")
        if kind == "ready":
            child.ready = True
        elif kind == "done":
            child.done = True
        elif kind == "progress":
            child.progress[int(event["second"])] = event
            self._maybe_tick(int(event["second"]))

    def _wait_ready(self) -> None:
        # A master gives up on missing workers after 60 s with a message that says how
        # many came: give it the time to say so before giving up here.
        limit = _READY_TIMEOUT + (15.0 if self.distributed else 0.0)
        deadline = time.monotonic() + limit
        while not all(c.ready for c in self._talkers()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                late = next(c for c in self._talkers() if not c.ready)
                what = "did not become ready"
                if self.distributed:
                    what += (f" (it waits for {self.workers + self.remote_workers} Locust "
                             "workers to connect)")
                raise self._fail(late, f"{what} within {limit:.0f} s")
            got = self._next_event(min(remaining, 0.5))
            if got is not None:
                self._handle(*got)
            for child in self._children:
                if child.process.poll() is not None and not child.talks:
                    raise self._fail(child, f"exited with code {child.process.returncode}")

    def _follow(self) -> None:
        limit = self.spec.duration + self.spec.timeout + 30.0 + _START_MARGIN
        deadline = time.monotonic() + limit
        while not all(c.done for c in self._talkers()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                late = next(c for c in self._talkers() if not c.done)
                raise self._fail(late, f"did not finish within {limit:.0f} s")
            got = self._next_event(min(remaining, 0.5))
            if got is not None:
                self._handle(*got)

    def _maybe_tick(self, second: int) -> None:
        talkers = self._talkers()
        if not all(second in c.progress for c in talkers):
            return
        events = [c.progress[second] for c in talkers]
        if self.early_stop is not None and self.stop_reason is None:
            reason = self.early_stop.decide(events)
            if reason is not None and self._saturated():
                reason = None  # who is to blame would then depend on who had the CPU: let the run say it
            if reason is not None:
                self.stop_reason = reason
                for child in talkers:
                    # A child that already ended has nothing left to stop.
                    with contextlib.suppress(OSError, ValueError):
                        assert child.process.stdin is not None
                        child.process.stdin.write("stop\n")
                        child.process.stdin.flush()
        if self.on_tick is None:
            return
        p95s = [e["p95_ms"] for e in events if e.get("p95_ms") is not None]
        schedule = Schedule(self.spec.rate, self.spec.duration, self.spec.ramp_up)
        rate = schedule.rate_at(second + 0.5)
        self.on_tick(Tick(
            second=second, target_rate=rate,
            sent=sum(int(e["sent"]) for e in events),
            completed=sum(int(e["completed"]) for e in events),
            errors=sum(int(e["errors"]) for e in events),
            p95_ms=max(p95s) if p95s else None,
            cpu_percent=sum(float(e.get("cpu_percent") or 0.0) for e in events),
        ))

    def _saturated(self) -> bool:
        """Whether the machine had no idle CPU since the steady window began (blame.py's test).

        An early stop is for a miss the app makes on a machine with CPU to spare: on a saturated
        one the verdict depends on who had the cores, which a shorter window must not change."""
        if not self._cpu_marks:
            return False
        try:
            found = cpusplit.split(self._cpu_marks[0], cpusplit.snapshot())
        except (OSError, ValueError, KeyError):
            return False
        return float(found.get("idle_percent", 100.0)) < SATURATED_IDLE_PERCENT

    def _collect(self) -> Partial:
        merged: Partial | None = None
        for child in self._children:
            if child.result_path is None:
                continue
            try:
                data = json.loads(child.result_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise self._fail(child, f"left no readable result ({exc})") from None
            part = Partial.from_json(data)
            if merged is None:
                merged = part
            else:
                merged.merge(part)
        if merged is None:
            raise LoadError("the load generator produced no result")
        if merged.stopped_at is not None:
            merged.stop_reason = self.stop_reason
        return merged

    def _stop_children(self) -> None:
        for child in self._children:
            if child.process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 3.0
        for child in self._children:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
            for stream in (child.process.stdin, child.process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
