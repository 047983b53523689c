"""The orchestrator: every submission in its own workspace, uid, cgroups and worker, N at a time.

For each submission: copy it (safely) into a scratch folder, give it a fresh uid (and its
servers another), create its cgroups (harness: the worker; install; run/app and run/db,
which share the run's CPU quota and CPU-time limit), start the worker (in a new network
namespace when the services are local), watch it from outside until it ends or its wall
clock runs out, then kill whatever is left in its cgroups, remove its scratch folder and
write its report.
The orchestrator's own reaper sidecar removes the scratch folders and cgroups if the
orchestrator itself is killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.catalog import Lab, LabManifest
from harness.durations import format_duration
from harness.errors import HarnessError
from harness.grading import reports
from harness.grading.alone import grade_alone
from harness.grading.capabilities import Capabilities
from harness.grading.cgroups import PREFIX, Group, Sharing
from harness.grading.gradebook import Row, row_from
from harness.grading.jail import JailSpec, join_cgroups
from harness.grading.job import Job
from harness.grading.leftovers import remove_left
from harness.grading.netns import ephemeral, worker_prefix
from harness.grading.orphans import OrphanReaper
from harness.grading.policy import Policy
from harness.grading.verdicts import GRADER, Signals, Verdict, name_database_stop, name_verdict
from harness.grading.warm import WarmSet, warm_up
from harness.grading.watch import Watch, kill_uid
from harness.grading.workspace import DEFAULT_UIDS, SubmissionTooLarge, Workspace, allocate_uid, copy_submission
from harness.proc import owner
from harness.proc.reaper import Reaper
from harness.services import users
from harness.services.base import Mode

POLL_S = 0.2
TERM_GRACE_S = 20.0
UID_SETTLE_S = 10.0  # SIGKILL is not ignorable: what is left after this is stuck in the kernel
SCRATCH_TRIES = 50  # 5 s for the workers' own reapers to finish in the scratch folder after a Ctrl-C
# The submission's database (and Redis): PostgreSQL's max_connections (300), its own
# processes and parallel workers; the app's connections must be refused by PostgreSQL
# ("too many clients"), not by a fork that fails.
SERVICE_PROCESSES = 512
WORKER_MEMORY_BYTES = 2 * 1024**3
REPORT_FILES = ("results.json", "junit.xml", "summary.txt", "gradescope.json", "worker.json", "verdict.json",
                "grader.log")


@dataclass(frozen=True)
class GradeSettings:
    lab: Lab
    manifest: LabManifest
    policy: Policy
    out: Path
    jobs: int = 1
    isolation: str = "strict"
    mode: Mode = Mode.LOCAL
    urls: dict[str, str] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)
    seed: int = 0
    home_template: Path | None = None
    uid_range: tuple[int, int] = DEFAULT_UIDS
    install_network: str = "host"   # host: registries reachable; none: the submission's namespace
    hide: tuple[Path, ...] = ()     # covered inside the jail: the submissions folder (others' code)
    scratch: Path | None = None     # where workspaces go (default: scratch_dir())
    debug: bool = False
    warm_from: Path | None = None   # a trusted project whose install is warmed for matching submissions (warm.py)


def scratch_dir(minimum_free: int = 2 * 1024**3) -> Path:
    """/dev/shm when it is a roomy tmpfs, else the temp dir.

    On a tmpfs, what a submission writes into its folder is memory charged to its own
    cgroup, so its memory limit also bounds how much it can write; and creating and
    removing node_modules' thousands of files costs no disk I/O (seconds on slow disks).
    """
    shm = Path("/dev/shm")
    try:
        stats = os.statvfs(shm)
    except OSError:
        return Path(tempfile.gettempdir())
    mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    is_tmpfs = any(len(m) > 2 and m[1] == str(shm) and m[2] == "tmpfs" for m in mounts)
    if is_tmpfs and stats.f_bavail * stats.f_frsize >= minimum_free and os.access(shm, os.W_OK):
        return shm
    return Path(tempfile.gettempdir())


def submission_seed(seed: int, name: str) -> int:
    """Reproducible per submission (same --seed, same data), different between submissions."""
    return zlib.crc32(f"{seed}:{name}".encode()) & 0x7FFFFFFF


class Grader:
    def __init__(self, settings: GradeSettings, caps: Capabilities, say: Callable[[str], None]) -> None:
        self.settings = settings
        self.caps = caps
        self.say = say
        self.isolated = settings.isolation != "none"
        self.netns = self.isolated and caps.netns and settings.mode is Mode.LOCAL
        self.uid_switch = self.isolated and caps.uid_switch
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._uids: set[int] = set()
        self._done = 0
        self._width = 0
        self.grader_errors: list[str] = []
        self._workers: set[int] = set()  # their exit status is subprocess's to collect
        self.orphans = OrphanReaper(lambda: set(self._workers))
        self.reaper = Reaper()
        self.scratch = Path()
        self.cgroup_root: Group | None = None
        self.warm: WarmSet | None = None
        # Per submission, what its report was finished with: a check graded again alone
        # (grade_alone) rewrites the report with the same verdict and usage.
        self.graded: dict[str, tuple[Verdict, dict[str, Any], float]] = {}

    # -- lifetime ------------------------------------------------------------------------
    def __enter__(self) -> Grader:
        self.reaper.start()
        self.orphans.start()
        token = secrets.token_hex(4)
        self.scratch = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{token}-", dir=self.settings.scratch or scratch_dir()))
        os.chmod(self.scratch, 0o711)
        owner.mark(self.scratch)  # `harness doctor --clean` leaves a live grading run's scratch alone
        self.reaper.path(self.scratch)
        if self.isolated and self.caps.cgroups is not None:
            self.cgroup_root = self.caps.cgroups.root_group(f"{PREFIX}{token}")
            for path in self.cgroup_root.dirs():
                self.reaper.cgroup(path)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.cgroup_root is not None:
            self.cgroup_root.remove()
            for path in self.cgroup_root.dirs():
                self.reaper.forget_cgroup(path)
        # Interrupted (Ctrl-C), a worker's own reaper may still be removing its job's folder in
        # here while this runs: the scratch then empties a moment later, and is removed again.
        for _ in range(SCRATCH_TRIES):
            shutil.rmtree(self.scratch, ignore_errors=True)
            if not os.path.lexists(self.scratch):
                break
            time.sleep(0.1)
        self.reaper.forget_path(self.scratch)
        self.reaper.close()
        self.orphans.stop()

    def warm_deps(self) -> None:
        """Install the trusted project of --warm-deps once; on any failure, grading goes on without it."""
        source = self.settings.warm_from
        if source is None or self.warm is not None:
            return
        if os.geteuid() != 0:
            self.say("--warm-deps is not used: the warmed set is sealed as root's, and this grader is not root")
            return
        started = time.monotonic()
        try:
            self.warm = warm_up(self, source)
        except Exception as exc:  # the instructor's convenience must never stop the grading
            reason = exc.message if isinstance(exc, HarnessError) else str(exc) or type(exc).__name__
            self.say(f"warming the lab's dependencies failed, every submission installs its own: {reason}")
            return
        self.say(f"warmed the lab's dependencies for its {self.warm.named} ({', '.join(self.warm.dirs)}) in "
                 f"{format_duration(time.monotonic() - started)}: a submission whose install inputs match gets "
                 "a copy instead of its install")

    def take_uid(self) -> int:
        with self._lock:
            return allocate_uid(*self.settings.uid_range, self._uids)

    def give_back_uid(self, uid: int) -> None:
        self.end_uids({uid})
        with self._lock:
            self._uids.discard(uid)

    def end_uids(self, uids: set[int]) -> None:
        """Kill every process of these uids and reap what their jails leave (a bwrap init dies
        a moment after its parent): no zombie of theirs outlives the job, nor the uid's reuse."""
        left = self.orphans.end(uids, kill_uid, UID_SETTLE_S)
        if left:
            self.say(f"grader: processes {', '.join(map(str, left))} of uid(s) {', '.join(map(str, sorted(uids)))} "
                     f"are still there {UID_SETTLE_S:.0f} s after they were killed")
            return  # what they write would outlive a sweep: the uid's files go with the next one
        # Their files in /tmp and the other shared folders (a jail without bubblewrap has no
        # private /tmp): the uid's next submission must not find them (leftovers.py).
        for uid in sorted(uids):
            removed = remove_left(uid)
            if removed:
                self.say(f"grader: removed {len(removed)} entr{'y' if len(removed) == 1 else 'ies'} uid {uid} "
                         f"left in the shared temporary folders ({', '.join(removed[:3])}"
                         f"{', ...' if len(removed) > 3 else ''})")

    def grade(self, sources: dict[str, Path]) -> list[Row]:
        """Grade every submission (name -> folder); rows of those that finished."""
        self.warm_deps()
        names = sorted(sources)
        self._width = max((len(n) for n in names), default=0)
        rows: list[Row] = []
        pool = ThreadPoolExecutor(max_workers=max(1, self.settings.jobs), thread_name_prefix="grade")
        futures = [pool.submit(self._guarded, name, sources[name], n, len(names)) for n, name in enumerate(names)]
        try:
            for future in futures:
                row = future.result()
                if row is not None:
                    rows.append(row)
        except KeyboardInterrupt:
            self.stopping.set()
            for future in futures:
                future.cancel()
            pool.shutdown(wait=True)
            raise
        pool.shutdown(wait=True)
        return grade_alone(self, rows, sources)

    def _guarded(self, name: str, source: Path, index: int, total: int) -> Row | None:
        if self.stopping.is_set():
            return None
        started = time.monotonic()
        try:
            row = self.grade_one(name, source, index)
        except Exception as exc:  # one submission's grader failure must not end the others' grading
            signals = Signals(grader_error=f"{type(exc).__name__}: {exc}")
            row = self._finish(name, self.settings.out / name, signals, {}, "g-failed", 0,
                               time.monotonic() - started)
        with self._lock:
            self._done += 1
            verdict = f"  {row.verdict}" if row.verdict else ""
            count = f"[{self._done:>{len(str(total))}}/{total}]"
            self.say(f"{count} {name:<{self._width}}  {row.score:g}/{row.max_score:g}  "
                     f"{row.status:<5} {format_duration(row.duration_s)}{verdict}")
        return row

    # -- one submission -------------------------------------------------------------------
    def grade_one(self, name: str, source: Path, index: int) -> Row:
        started = time.monotonic()
        out = self.settings.out / name
        signals, report, run_id, seed = self.run_session(name, source, index, out)
        return self._finish(name, out, signals, report, run_id, seed, time.monotonic() - started)

    def run_session(self, name: str, source: Path, index: int, out: Path,
             only: tuple[str, ...] = ()) -> tuple[Signals, dict[str, Any], str, int]:
        """One session of the submission in its own workspace, uids and cgroups; `only`: those checks."""
        settings = self.settings
        out.mkdir(parents=True, exist_ok=True)
        for stale in REPORT_FILES:
            (out / stale).unlink(missing_ok=True)
        signals = Signals()
        uid = service_uid = None
        space: Workspace | None = None
        slot: Group | None = None
        run_id, seed = "g" + secrets.token_hex(4), submission_seed(settings.seed, name)
        report: dict[str, Any] = {}
        try:
            if self.uid_switch:
                with self._lock:
                    uid = allocate_uid(*settings.uid_range, self._uids)
                    # Its servers' own: a shell won through its database reaches nobody else's.
                    service_uid = allocate_uid(*settings.uid_range, self._uids)
            space = Workspace.create(self.scratch / f"{index:04d}", settings.home_template)
            notes: tuple[str, ...] = ()
            try:
                copied = copy_submission(source, space.work)
                notes = tuple(f"skipped {item}" for item in copied.skipped)
            except SubmissionTooLarge as exc:
                signals.too_large = str(exc)
            space.hand_over(uid)
            if self.cgroup_root is not None:
                slot = self.cgroup_root.child(f"{index:04d}")
                slot.delegate()
            if not signals.too_large:
                report = self.run_worker(name, space, (uid, service_uid), slot, out, signals, run_id, seed,
                                         notes, only=only)
        finally:
            if slot is not None:
                _wait_empty(slot.child("harness"), 5.0)  # a killed worker's reaper may be finishing
                slot.remove()
            self.end_uids({owned for owned in (uid, service_uid) if owned is not None})
            if space is not None:
                shutil.rmtree(space.root, ignore_errors=True)
            with self._lock:
                self._uids.difference_update({uid, service_uid} - {None})
        return signals, report, run_id, seed

    def _run_groups(self, slot: Group) -> tuple[Group, Group, Group]:
        """run (the CPU quota), run/app (the app's memory and processes), run/db (its servers')."""
        limits = self.settings.policy.limits
        run = slot.child("run")
        run.delegate()
        run.cpu_quota(limits.cpus)
        app, db = run.child("app"), run.child("db")
        app.limit(memory_bytes=limits.memory_bytes, pids=limits.processes, cpus=None)
        # Its own memory bound: what the app can make its database hold (connections, temp files
        # and data on a tmpfs scratch folder) is not the app's memory limit.
        db.limit(memory_bytes=limits.services_memory_bytes, pids=SERVICE_PROCESSES, cpus=None)
        return run, app, db

    def _jail(self, space: Workspace, uid: int | None, slot: Group | None, app: Group | None) -> JailSpec | None:
        if not self.isolated:
            return None
        limits = self.settings.policy.limits
        install: tuple[str, ...] = ()
        run: tuple[str, ...] = ()
        if slot is not None and app is not None:
            install_group = slot.child("install")
            install_group.limit(memory_bytes=limits.install_memory_bytes, pids=limits.install_processes,
                                cpus=max(limits.cpus, 1.0))
            install = tuple(str(p) for p in install_group.procs_files())
            run = tuple(str(p) for p in app.procs_files())
        hide = tuple(sorted({str(self.scratch), str(self.settings.out.resolve())}
                            | {str(p.resolve()) for p in self.settings.hide}))
        host = f"/proc/{os.getpid()}/ns/net" if self.netns and self.settings.install_network == "host" else None
        return JailSpec(uid=uid, workdir=str(space.work), home=str(space.home), tmp=str(space.apptmp),
                        bwrap=self.caps.bwrap and uid is not None, hide=hide, install_procs=install, run_procs=run,
                        host_netns=host, file_size_bytes=limits.file_size_bytes, open_files=limits.open_files,
                        processes=limits.processes, warm_store=self.warm.store if self.warm else None)

    def run_worker(self, name: str, space: Workspace, uids: tuple[int | None, int | None], slot: Group | None,
                   out: Path, signals: Signals, run_id: str, seed: int, notes: tuple[str, ...],
                   module: str = "harness.grading.worker", only: tuple[str, ...] = ()) -> dict[str, Any]:
        settings = self.settings
        uid, service_uid = uids
        run_groups = self._run_groups(slot) if slot is not None else None
        job = Job(submission=name, lab=settings.lab.id, workdir=str(space.work), out=str(out),
                  policy=settings.policy, jail=self._jail(space, uid, slot, run_groups[1] if run_groups else None),
                  netns=self.netns,
                  mode=settings.mode.value, urls=settings.urls, images=settings.images, seed=seed, run_id=run_id,
                  debug=settings.debug, notes=notes, warm=self.warm.to_json() if self.warm else None, only=only)
        job_path = space.root / "job.json"
        job.write(job_path)
        argv: list[str] = []
        groups: dict[str, Group] = {}
        services: Group | None = None
        env = {**os.environ, "TMPDIR": str(space.tmp), "NO_COLOR": "1"}
        for key in (users.SERVICE_UID_ENV, users.SERVICE_CGROUP_ENV):
            env.pop(key, None)
        if slot is not None and run_groups is not None:
            harness = slot.child("harness")
            # The worker, the grader itself: not the submission's limits, a bound all the same.
            harness.limit(memory_bytes=WORKER_MEMORY_BYTES, pids=65536, cpus=None)
            argv += join_cgroups(tuple(str(p) for p in harness.procs_files()))
            run, app, services = run_groups
            groups = {"install": slot.child("install"), "run": Sharing(app, run)}
        if service_uid is not None:
            procs = services.procs_files() if services is not None else []
            env.update(users.service_environment(service_uid, [str(p) for p in procs]))
        if self.netns:
            argv += worker_prefix()
        argv += [sys.executable, "-m", module, str(job_path)]
        with open(out / "grader.log", "wb") as log:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    env=env, cwd=space.root, start_new_session=True)
        self.reaper.process_group(proc.pid)
        with self._lock:
            self._workers.add(proc.pid)
        watch = Watch(settings.policy.limits, signals, uid, groups=groups, services=services, worker_pid=proc.pid,
                      netns=self.netns)
        deadline = time.monotonic() + settings.policy.limits.wall_time_s
        terminated = 0.0
        while proc.poll() is None:
            watch.poll()
            now = time.monotonic()
            if not terminated and (now > deadline or self.stopping.is_set()):
                signals.wall_clock_exceeded = now > deadline
                signals.interrupted = not signals.wall_clock_exceeded
                proc.send_signal(signal.SIGTERM)  # the Session cleans up and writes its results
                terminated = now
            elif terminated and now > terminated + TERM_GRACE_S:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(POLL_S)
        self.reaper.forget_process_group(proc.pid)
        with self._lock:
            self._workers.discard(proc.pid)
        watch.finish()
        usage = dict(watch.usage)
        if services is not None:
            usage["db"] = services.usage()  # its CPU is in the run's already
        report: dict[str, Any] = {"exit": proc.returncode, "ports": sorted(watch.ports), "usage": {
            phase: {"cpu_s": round(u.cpu_s, 2), "memory_peak_mb": round(u.memory_peak_bytes / 2**20, 1)}
            for phase, u in usage.items()}}
        with contextlib.suppress(OSError, ValueError):
            report.update(json.loads((out / "worker.json").read_text()))
        return report

    def verdict_of(self, signals: Signals, report: dict[str, Any]) -> Verdict:
        """What the watch and the worker saw, named; `signals` takes the worker's."""
        limits = self.settings.policy.limits
        if "signals" in report:
            worker = Signals.from_json(report["signals"])
            signals.merge_worker(worker)
            signals.unroutable_attempts = max(signals.unroutable_attempts, worker.unroutable_attempts)
        elif not signals.too_large and not signals.wall_clock_exceeded and not self.stopping.is_set():
            signals.grader_error = f"the worker ended without a report (exit {report.get('exit')}); see grader.log"
        given = set(report.get("app_ports", []))
        signals.foreign_ports = sorted(p for p in report.get("ports", []) if p not in given and not ephemeral(p))
        verdict: Verdict = name_verdict(signals, limits)
        return name_database_stop(verdict, report.get("database_stopped"), signals, limits)

    def _finish(self, name: str, out: Path, signals: Signals, report: dict[str, Any], run_id: str, seed: int,
                duration_s: float) -> Row:
        settings = self.settings
        verdict = self.verdict_of(signals, report)
        grader_error = signals.grader_error or (verdict.kind == "database-stopped" and verdict.category == GRADER
                                                and verdict.text.removeprefix("grader error: "))
        if grader_error:
            with self._lock:
                self.grader_errors.append(f"{name}: {grader_error}")
        results = reports.read_results(out)
        if results is None:
            reason = verdict.text or "the submission could not be graded"
            manifest = settings.policy.manifest(settings.manifest)
            reports.write_results(out, reports.not_graded(
                settings.lab, manifest, settings.policy.points, workdir=out, seed=seed, run_id=run_id,
                reason=reason))
        with self._lock:
            self.graded[name] = (verdict, report, duration_s)
        return self.write_report(name, out, verdict, report, duration_s)

    def write_report(self, name: str, out: Path, verdict: Verdict, report: dict[str, Any], duration_s: float,
               reruns: list[dict[str, Any]] | None = None) -> Row:
        """summary.txt, gradescope.json and verdict.json from results.json; its gradebook row."""
        settings = self.settings
        results = reports.read_results(out) or {}
        visibility = {e.id: settings.policy.visibility_of(e.id, settings.manifest) for e in settings.manifest.checks}
        reports.finish(out, name, results, verdict, visibility, duration_s, usage=report.get("usage", {}),
                       limits=settings.policy.limits, install=report.get("install"), reruns=reruns)
        return row_from(name, results, verdict, duration_s)


def _wait_empty(group: Group, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while group.pids() and time.monotonic() < deadline:
        time.sleep(0.1)
