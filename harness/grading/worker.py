"""One submission, graded in its own process: a check Session with the jail launcher.

Started by the orchestrator as root, inside a fresh network namespace when the services are
local (`unshare --net`), so the PostgreSQL it starts, the app and the probes share a
loopback that nothing else can reach. It writes results.json (rewritten after every check,
as `harness check --json` does), junit.xml, and worker.json: what only it can see (the
app's exit during a check, the log and database signatures, the port the app was given).
SIGTERM from the orchestrator (its wall clock ran out) interrupts the Session, which still
cleans up and writes its results.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any

from harness.catalog import Catalog
from harness.config import CONFIG_NAME, LOCAL_SERVER_TRACKS, ProjectConfig, load_config
from harness.errors import ConfigError, HarnessError
from harness.grading import scans
from harness.grading.jail import JailLauncher
from harness.grading.job import Job
from harness.grading.netns import NamespaceView, bring_up_loopback
from harness.grading.reports import not_graded, write_results
from harness.grading.reuse import WarmedDeps
from harness.grading.verdicts import Signals
from harness.grading.warm import WarmSet
from harness.outcomes import CheckResult, RunResult
from harness.reporters import Fanout, Reporter, Silent
from harness.reporters.json_report import JsonReporter, write_atomically
from harness.reporters.junit import JunitReporter
from harness.reporters.terminal import TerminalReporter
from harness.runner.app import DirectLauncher
from harness.runner.session import CheckRequest, Session
from harness.services.base import Mode

MAX_CONFIG_BYTES = 64 * 1024
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """The orchestrator gone (killed outright) means SIGTERM here, so the Session cleans up."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class CrashWatch(Silent):
    """Notes the first check after which the app was no longer running."""

    def __init__(self, signals: Signals) -> None:
        self.signals = signals
        self.session: Session | None = None

    def check_finished(self, check: CheckResult, result: RunResult) -> None:
        app = self.session.app if self.session else None
        # An app never started (no check of the run needed it) cannot have crashed.
        if app is None or not app.started or self.signals.crashed_during or not app.exited():
            return
        self.signals.crashed_during = check.id
        self.signals.app_exit = app.exit_code()


def _load_project(job: Job, signals: Signals) -> ProjectConfig | None:
    work = Path(job.workdir)
    if not any(work.iterdir()):
        signals.empty = True
        return None
    config = work / CONFIG_NAME
    if not config.exists() and not config.is_symlink():
        signals.no_project = True
        return None
    if config.is_symlink() or not config.is_file() or config.stat().st_size > MAX_CONFIG_BYTES:
        signals.config_error = f"{CONFIG_NAME} must be a regular file of at most 64 KB"
        return None
    try:
        return load_config(work)
    except ConfigError as exc:
        # Without the scratch path (it changes every run) and the file name the verdict repeats.
        message = exc.message.replace(str(work) + "/", "").replace(str(work), "<submission>")
        signals.config_error = message.removeprefix(f"{CONFIG_NAME}: ")
        return None


def capped(project: ProjectConfig, job: Job) -> ProjectConfig:
    """The submission's own timeouts, but never above the instructor's."""
    limits = job.policy.limits
    app = project.app
    if app is None:  # an app-less track: nothing installed or started, nothing to cap
        return project
    return replace(project, app=replace(
        app,
        install_timeout_s=min(app.install_timeout_s, limits.install_timeout_s),
        migrate_timeout_s=min(app.migrate_timeout_s, limits.migrate_timeout_s),
        ready_timeout_s=min(app.ready_timeout_s, limits.ready_timeout_s),
    ))


def graded_mode(track: str, asked: str) -> Mode:
    """The services mode a submission is graded in: as asked, but the postgres track's labs, which
    start their servers themselves, always start them as local processes in the submission's
    jail, never as containers of an image (services/pg_container.py is `harness check`'s)."""
    return Mode.LOCAL if track in LOCAL_SERVER_TRACKS else Mode(asked)


def _scan(session: Session, result: RunResult, signals: Signals) -> None:
    signals.failed_phase = result.failed_phase
    app = session.app
    logs = [result.app_log_tail or ""]
    exits: list[int | None] = [signals.app_exit]
    if app is not None:
        signals.log_limit = app.log_limit_reached
        logs.append(app.log_tail(400))
        logs += [run.log_tail for run in app.migrate_runs]
        exits.append(app.exit_code())
    app_log = "\n".join(logs)
    signals.write_denied = "read-only file system" if scans.write_denied(app_log) else None
    signals.file_size = scans.file_size_exceeded(app_log, exits)
    services = session.services
    if services is not None and services.postgres is not None:
        signals.database_denied = scans.database_denied(services.postgres.log_tail(1000))


def grade(job: Job, signals: Signals, report: dict[str, Any]) -> None:
    for note in job.notes:
        print(f"note: {note}", flush=True)
    catalog = Catalog.load()
    lab = catalog.resolve(job.lab, None)
    manifest = job.policy.manifest(catalog.require_available(lab))
    out = Path(job.out)
    project = _load_project(job, signals)
    if project is None:
        reason = next(text for flag, text in (
            (signals.empty, "empty submission: no files"),
            (signals.no_project, f"not a project: no {CONFIG_NAME}"),
            (bool(signals.config_error), f"invalid {CONFIG_NAME}: {signals.config_error}"),
        ) if flag)
        write_results(out, not_graded(lab, manifest, job.policy.points, workdir=Path(job.workdir), seed=job.seed,
                                      run_id=job.run_id, reason=reason))
        return
    watch = CrashWatch(signals)
    launcher = JailLauncher(job.jail) if job.jail else None
    deps = None
    if job.warm is not None and project.app is not None:
        budget = min(project.app.install_timeout_s, job.policy.limits.install_timeout_s)  # the install's
        deps = WarmedDeps(WarmSet.from_json(job.warm), launcher or DirectLauncher(),
                          lambda text: print(text, flush=True), budget)
    request = CheckRequest(
        lab=lab, manifest=manifest, project=capped(project, job), workdir=Path(job.workdir),
        mode=graded_mode(lab.track, job.mode),
        urls=job.urls, images=job.images, seed=job.seed, run_id=job.run_id, only=job.only, debug=job.debug,
        points=job.policy.points, launcher=launcher, log_limit_bytes=job.policy.limits.log_bytes, deps=deps,
    )
    terminal = TerminalReporter(sys.stdout, verbose=job.debug, title=f"{job.submission} · {lab.id}")
    writers: list[Reporter] = [JsonReporter(out / "results.json"), JunitReporter(out / "junit.xml")]
    session = Session(request, Fanout(terminal, *writers, watch))
    watch.session = session
    try:
        result = session.run()
    finally:
        if deps is not None and deps.record:
            report["install"] = deps.record
        if session.app is not None:
            report["app_ports"] = list(session.app.app_env.ports)
        services = session.services
        if services is not None and services.postgres is not None:
            # Whose doing it was, only the orchestrator can tell (it sees the cgroups).
            report["database_stopped"] = services.postgres.unexpected_stop()
    _scan(session, result, signals)


def main(argv: list[str]) -> int:
    job = Job.read(Path(argv[0]))
    die_with_parent()
    signal.signal(signal.SIGTERM, _interrupt)
    signals = Signals()
    report: dict[str, Any] = {"pid": os.getpid()}
    try:
        if job.netns:
            bring_up_loopback()
        grade(job, signals, report)
    except KeyboardInterrupt:
        report["interrupted"] = True
    except HarnessError as exc:
        signals.grader_error = exc.message
    except Exception as exc:  # the report must be written whatever happened
        signals.grader_error = f"{type(exc).__name__}: {exc}"
    finally:
        if job.netns:  # the namespace dies with this process: count its no-route attempts now
            signals.unroutable_attempts = NamespaceView(os.getpid()).unroutable_attempts()
        report["signals"] = signals.to_json()
        write_atomically(Path(job.out) / "worker.json", json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
