"""The learner's app: install, migrate (twice), start, wait until ready, stop.

Each phase has its own budget, named in the message when it runs out. Failures here are
the project's, not the harness's: they end the run with the app's last log lines.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from harness.catalog import SeededBug
from harness.config import AppConfig, ProjectConfig
from harness.durations import format_duration
from harness.errors import ExitCode, HarnessError
from harness.introspect import coverage
from harness.proc.health import NotReady, wait_healthy
from harness.proc.named import NamedProcess, ProcessFailed, command_tree, missing, signal_tree
from harness.proc.process import ManagedProcess, run_to_end
from harness.proc.reaper import Reaper
from harness.runner.bugs import SeedError, clear_leftovers, discard, seeded_copy
from harness.runner.clock import FakeClock
from harness.runner.confined import OutsideProject, read_inside
from harness.runner.deps import DependencyReuse, InstallInputs, inputs, source_snapshot
from harness.runner.depstore import DEP_DIRS
from harness.runner.strays import ServerTempFolders
from harness.runner.testlog import FailureDigest
from harness.runs import BugRun, MigrateRun, ProjectRun, TestRun
from harness.services import users
from harness.services.base import free_port

LOG_LINES = 25
# What the app inherits from the harness's environment; everything else it must be told.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "JAVA_HOME", "NODE_OPTIONS",
                  "VIRTUAL_ENV", "npm_config_cache", "MAVEN_OPTS", "GOPATH", "GOCACHE", "GOFLAGS")


class AppFailed(HarnessError):
    """The project could not be installed, migrated or started: the learner's to fix."""

    exit_code = ExitCode.CHECK_FAILED

    def __init__(self, message: str, *, phase: str, log_tail: str = "", fixes: Sequence[str] = ()) -> None:
        details = f"Last lines of the app's output:\n{log_tail}" if log_tail.strip() else "The app printed nothing."
        super().__init__(message, fixes=fixes, details=details)
        self.phase = phase
        self.log_tail = log_tail


class Launcher(Protocol):
    """How commands are run: directly for `check`, inside a jail for `grade`.

    `wrap` gets the command and the environment the project's command should see, and
    returns what to start and with which environment: a jail starts a chain of root steps
    that must never see the project's variables (its PATH, LD_PRELOAD), so it hands them
    to the chain's last step and gives the first one a fixed environment. `readable`: folders
    of the harness's own the command must read (the fake clock's offset file), which a jail
    shows it read-only.
    """

    def wrap(self, argv: list[str], *, phase: str, cwd: Path, env: Mapping[str, str],
             readable: Sequence[Path] = ()) -> tuple[list[str], dict[str, str]]: ...

    def account(self) -> tuple[int | None, int | None]: ...


class DirectLauncher:
    def wrap(self, argv: list[str], *, phase: str, cwd: Path, env: Mapping[str, str],
             readable: Sequence[Path] = ()) -> tuple[list[str], dict[str, str]]:
        return argv, dict(env)  # the process starts in cwd

    def account(self) -> tuple[int | None, int | None]:
        return None, None


@dataclass(frozen=True)
class AppEnvironment:
    port: int
    service_urls: Mapping[str, str]  # DATABASE_URL, REDIS_URL, MONGO_URL as the lab needs
    # More instances of the same app, on these ports (horizontal-scale checks).
    extra_ports: tuple[int, ...] = ()
    # JAVA_HOME and PATH of the JDK the lab needs (runner/toolchain.py); the project's own env may override them.
    toolchain: Mapping[str, str] = field(default_factory=dict)

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, *self.extra_ports)


def base_environment(extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: os.environ[k] for k in PASSED_THROUGH if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    # The app's output goes to a log and to reports, never to a terminal: plain text, unless
    # the project's own [app] env asks otherwise.
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def _accepting(port: int) -> bool:
    """Whether something listens on the loopback port (a full backlog counts as listening)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except TimeoutError:
        return True
    except OSError:
        return False


class AppRunner:
    def __init__(
        self,
        config: ProjectConfig,
        *,
        workdir: Path,
        app_env: AppEnvironment,
        reaper: Reaper,
        progress: Callable[[str], None],
        echo: Callable[[str], None] | None = None,
        launcher: Launcher | None = None,
        clock: FakeClock | None = None,
        log_limit_bytes: int | None = None,
        deps: DependencyReuse | None = None,
        lab_id: str = "",
        processes: Sequence[str] = (),
    ) -> None:
        self.config = config
        self._wanted = tuple(processes)  # the lab's named processes (proc/named.py)
        self._named: dict[str, NamedProcess] = {}
        self._spawner: ThreadPoolExecutor | None = None  # starts them, in a thread that outlives checks
        self._deps = deps  # None: every run installs (grading, and when asked)
        self._lab_id = lab_id
        self.workdir = workdir
        self.app_env = app_env
        self._reaper = reaper
        self._progress = progress
        self._echo = echo
        self._launcher = launcher or DirectLauncher()
        # What a JVM's embedded server leaves in /tmp, which TMPDIR does not move (strays.py):
        # removed where the app runs as this account, never in a grading's jail.
        self.server_temp = ServerTempFolders(enabled=self._launcher.account() == (None, None)
                                             and not users.grading())
        self._clock = clock
        self._log_limit = log_limit_bytes  # None: output is capped in memory but never stops the app
        self._log_limit_hit = False
        self._proc: ManagedProcess | None = None
        self._others: list[ManagedProcess] = []  # instances 2..n, when the lab runs several
        # Per instance, how many lines it had printed when it first answered its health route.
        self._ready_lines: dict[tuple[int, float], int] = {}
        self._commands: list[ManagedProcess] = []  # a check's long-running processes (start_command)
        self._starter: ThreadPoolExecutor | None = None  # the thread restart() starts instances from
        self._migrate_runs: list[MigrateRun] = []
        self._test_run: TestRun | None = None
        self._repeat_run: TestRun | None = None
        self._baseline_run: TestRun | None = None
        self._bug_runs: dict[str, BugRun] = {}
        # Whether a check after the one running talks to the app: the session keeps it true for
        # every check but those after which none does (restart_if_needed).
        self.needed_later = True
        self._left_stopped = False  # restart_if_needed stopped it for good: not a crash
        self.base_url = f"http://127.0.0.1:{app_env.port}"
        self.instance_urls = [f"http://127.0.0.1:{port}" for port in app_env.ports]

    @property
    def _app(self) -> AppConfig:
        """The [app] table. A project without one (an app-less track) is never installed or started:
        only a check that needs the app running gets here, and that is the lab's mistake."""
        if self.config.app is None:
            raise AppFailed(f"a check of this run needs the app running, but a {self.config.track} project has "
                            "no [app] in harness.toml", phase="start",
                            fixes=["Run only this lab's checks: harness labs <lab> lists them"])
        return self.config.app

    # -- AppHandle ---------------------------------------------------------------------
    @property
    def migrate_command(self) -> str | None:
        return self.config.app.migrate if self.config.app is not None else None

    @property
    def migrate_runs(self) -> Sequence[MigrateRun]:
        return tuple(self._migrate_runs)

    @property
    def project_dir(self) -> Path:
        return self.workdir

    @property
    def test_run(self) -> TestRun | None:
        return self._test_run

    @property
    def repeat_run(self) -> TestRun | None:
        return self._repeat_run

    @property
    def bug_runs(self) -> Mapping[str, BugRun]:
        return dict(self._bug_runs)

    @property
    def rerun_on_shipped(self) -> TestRun | None:
        """A run of the command the seeded bugs run ([tests] rerun) on the code as shipped: the
        first run when it is the same command, a second run that passed, or a run of its own
        (needs_rerun_baseline). A bug run's failure means something only where this one passed:
        a rerun command that cannot run at all fails with every bug, and caught none."""
        tests = self.config.tests
        if tests is None or tests.rerun_command == tests.command:
            return self._test_run
        if self._repeat_run is not None and self._repeat_run.passed:
            return self._repeat_run
        return self._baseline_run

    def needs_rerun_baseline(self) -> bool:
        return self.config.tests is not None and self.rerun_on_shipped is None

    def run_rerun_baseline(self, service_urls: Mapping[str, str]) -> float:
        """The rerun command once on the code as shipped, on a database of its own."""
        self._progress("running the project's tests with [tests] rerun on the code as shipped")
        self._baseline_run = self._suite(self.workdir, service_urls, coverage_report=False)
        return self._baseline_run.duration_s

    def _instances(self) -> list[ManagedProcess]:
        return ([self._proc] if self._proc is not None else []) + self._others

    @property
    def started(self) -> bool:
        """Whether the app was started (a run whose checks send it no request never starts it)."""
        return self._proc is not None

    def alive(self) -> bool:
        return self._proc is not None and all(p.alive() for p in self._instances())

    def exited(self, settle_s: float = 3.0) -> bool:
        """Whether an instance has stopped by itself. One whose port refuses connections is given
        `settle_s` to end: its listener closes the moment it dies, while the process the harness
        started (a jail's wrapper around it) may take a moment longer, and a verdict read in that
        moment would miss the crash."""
        for proc, port in zip(self._instances(), self.app_env.ports, strict=False):
            if proc.alive() and not _accepting(port):
                proc.wait_exit(settle_s)
        return self._proc is not None and not self._left_stopped and not self.alive()

    def exit_code(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    def log_mark(self) -> dict[tuple[int, float], int]:
        """Where each instance's output stands now, for log_since: lines it printed so far."""
        return {_instance_key(p): p.log.lines_added for p in self._instances()}

    def log_since(self, mark: dict[tuple[int, float], int]) -> list[str]:
        """The lines every instance printed after `mark` (all of an instance started since)."""
        return [line for p in self._instances() for line in p.log.lines(mark.get(_instance_key(p), 0))]

    def startup_log(self) -> list[str]:
        """The lines every instance printed before it first answered its health route."""
        return [line for p in self._instances()
                for line in p.log.lines(0, self._ready_lines.get(_instance_key(p), 0))]

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of every instance (one after the other when there are several), then of
        each named process under its name."""
        own = [p.tail(lines) for p in self._instances() if p.tail(lines)]
        named = [f"[{name}]\n{p.tail(lines)}" for name, p in self._named.items() if p.tail(lines)]
        return "\n".join(own + named)

    def process(self, name: str) -> NamedProcess:
        """A named process of the lab's, once started (checks kill it and start it again)."""
        return self._named[name]

    @property
    def log_limit_reached(self) -> bool:
        """Whether a phase was stopped because its output passed `log_limit_bytes`."""
        return self._log_limit_hit or any(p.log.limit_reached for p in (*self._instances(), *self._commands))

    # -- phases --------------------------------------------------------------------------
    def _env(self, *, with_services: bool) -> dict[str, str]:
        extra = dict(self.app_env.toolchain)
        extra.update(self.config.app.env if self.config.app is not None else {})
        extra["PORT"] = str(self.app_env.port)
        if with_services:
            extra.update(self.app_env.service_urls)
        return base_environment(extra)

    def _shell(self, command: str, phase: str, env: Mapping[str, str], cwd: Path | None = None,
               readable: Sequence[Path] = ()) -> tuple[list[str], dict[str, str]]:
        return self._launcher.wrap(["/bin/sh", "-c", command], phase=phase, cwd=cwd or self.workdir, env=env,
                                   readable=readable)

    def _run(self, phase: str, command: str, timeout_s: float, *, with_services: bool) -> tuple[int | None, str, float]:
        user, group = self._launcher.account()
        argv, env = self._shell(command, phase, self._env(with_services=with_services))
        code, log, seconds = run_to_end(
            phase, argv, cwd=self.workdir, env=env,
            timeout_s=timeout_s, on_line=self._prefixed(phase), user=user, group=group,
            on_start=self._reaper.process_group, log_limit_bytes=self._log_limit,
        )
        self._log_limit_hit = self._log_limit_hit or log.limit_reached
        return code, log.tail(LOG_LINES), seconds

    def _prefixed(self, phase: str) -> Callable[[str], None] | None:
        if self._echo is None:
            return None
        echo = self._echo
        return lambda line: echo(f"[{phase}] {line}")

    def run_command(self, argv: Sequence[str], *, timeout_s: float, env: Mapping[str, str] | None = None,
                    cwd: Path | None = None) -> ProjectRun:
        """Run a check's command on the project's code (cwd: the project or a folder inside it), as
        the project's tests run: the same account, launcher (a grading jail), environment and log cap."""
        user, group = self._launcher.account()
        extra = self._env(with_services=True)
        extra.update(env or {})
        where = cwd or self.workdir
        wrapped, wrapped_env = self._launcher.wrap(list(argv), phase="tests", cwd=where, env=extra)
        code, log, seconds = run_to_end(
            "check", wrapped, cwd=where, env=wrapped_env, timeout_s=timeout_s, on_line=self._prefixed("check"),
            user=user, group=group, on_start=self._reaper.process_group, log_limit_bytes=self._log_limit,
        )
        self._log_limit_hit = self._log_limit_hit or log.limit_reached
        return ProjectRun(shlex.join(argv), code, log.text(), seconds)

    def start_command(self, name: str, argv: Sequence[str], *, env: Mapping[str, str] | None = None,
                      cwd: Path | None = None, stop_signal: int = signal.SIGTERM) -> ManagedProcess:
        """Start a check's long-running process on the project's files (a server the lab's script
        built), as run_command runs a command: the project's account and launcher (a grading jail),
        its environment and log cap. The caller stops it. In a jail, `stop_signal` reaches the
        jail, not the process: the jail's end kills everything in it."""
        user, group = self._launcher.account()
        extra = self._env(with_services=True)
        extra.update(env or {})
        where = cwd or self.workdir
        wrapped, wrapped_env = self._launcher.wrap(list(argv), phase="tests", cwd=where, env=extra)
        proc = ManagedProcess(name, wrapped, cwd=where, env=wrapped_env, stop_signal=stop_signal,
                              on_line=self._prefixed(name), on_start=self._reaper.process_group, user=user,
                              group=group, log_limit_bytes=self._log_limit)
        proc.start()
        self._commands.append(proc)
        return proc

    def install(self) -> float:
        """The install command (skipped when an unchanged one may be reused), then the build command."""
        seconds = self._install()
        return seconds + self._build()

    def _build(self) -> float:
        command = self.config.app.build if self.config.app is not None else None
        if not command:
            return 0.0
        budget = self._app.install_timeout_s
        self._progress(f"building: {command}")
        code, tail, seconds = self._run("build", command, budget, with_services=False)
        if code is None:
            raise AppFailed(f"the build command did not finish within {format_duration(budget)} "
                            f"(app.install_timeout): {command}", phase="install", log_tail=tail)
        if code != 0:
            raise AppFailed(f"the build command failed with exit code {code}: {command}", phase="install",
                            log_tail=tail, fixes=["Run it yourself in the project folder and fix what it reports"])
        return seconds

    def _install(self) -> float:
        command = self.config.app.install if self.config.app is not None else None
        if not command:
            return 0.0
        budget = self._app.install_timeout_s
        if self._deps is None:
            return self._install_now(command, budget, None)
        found = inputs(self.workdir, command, self._env(with_services=False), self._lab_id)
        reuse = self._deps.before(self.workdir, found)
        if not reuse.skip:
            waiting = "waiting for another run's install of the same dependencies, to copy them when it is done"
            with self._deps.one_at_a_time(found, budget, lambda: self._progress(waiting)) as waited:
                if waited:
                    reuse = self._deps.before(self.workdir, found)
                if not reuse.skip:
                    return self._install_now(command, budget, found)
        self._progress(reuse.message)
        return 0.0

    def _install_now(self, command: str, budget: float, found: InstallInputs | None) -> float:
        before = source_snapshot(self.workdir) if found is not None else {}
        self._progress(f"installing: {command}")
        code, tail, seconds = self._run("install", command, budget, with_services=False)
        if code is None:
            raise AppFailed(f"the install command did not finish within its budget of {format_duration(budget)} "
                            f"(app.install_timeout): {command}", phase="install", log_tail=tail,
                            fixes=["Make the install faster, or raise app.install_timeout in harness.toml"])
        if code != 0:
            raise AppFailed(f"the install command failed with exit code {code}: {command}", phase="install",
                            log_tail=tail, fixes=["Run it yourself in the project folder and fix what it reports"])
        if self._deps is not None and found is not None:
            why_not = self._deps.after(self.workdir, found, before)
            # Said where reuse could apply: an install that made node_modules or a virtualenv and
            # also built something. Maven and Go keep caches of their own and build on every run: a
            # note on each of their runs would say nothing a learner can act on.
            if why_not and any((self.workdir / d).is_dir() for d in DEP_DIRS):
                self._progress(f"this install runs on every check: {why_not} (a build step belongs in [app] build, "
                               "which keeps the install reusable)")
        return seconds

    def migrate(self, snapshot: Callable[[], Mapping[str, Any]] | None, *, runs: int = 2) -> float:
        """Run the migrate command on the fresh database; with `runs` 2 (a check reads the second
        run) once more on the migrated one, where it must succeed and change nothing."""
        command = self.config.app.migrate if self.config.app is not None else None
        if not command:
            return 0.0
        budget = self._app.migrate_timeout_s
        total = 0.0
        for run in range(1, runs + 1):
            self._progress(f"migrating (run {run} of 2): {command}" if runs == 2 else f"migrating: {command}")
            code, tail, seconds = self._run("migrate", command, budget, with_services=True)
            total += seconds
            if code is None:
                raise AppFailed(f"the migrate command did not finish within {format_duration(budget)} "
                                f"(app.migrate_timeout): {command}", phase="migrate", log_tail=tail)
            if code != 0 and run == 1:
                raise AppFailed(f"the migrate command failed with exit code {code}: {command}",
                                phase="migrate", log_tail=tail,
                                fixes=["Run it against an empty database and fix what it reports"])
            # A failing second run is recorded, not fatal: the migrations check reports it.
            self._migrate_runs.append(MigrateRun(code, seconds, tail, snapshot() if snapshot else None))
        return total

    def run_tests(self, service_urls: Mapping[str, str]) -> float:
        """Run the project's test suite with its own databases; the verdict is a check's."""
        tests = self.config.tests
        if tests is None:
            return 0.0
        self._progress(f"running the project's tests: {tests.command}")
        clear_leftovers(self.workdir)
        self._test_run = self._suite(self.workdir, service_urls, coverage_report=True)
        return self._test_run.duration_s

    def repeat_tests(self, service_urls: Mapping[str, str]) -> float:
        """Run the suite again on the database its first run used: tests must not need an empty one."""
        self._progress("running the project's tests again, on the database of the first run")
        self._repeat_run = self._suite(self.workdir, service_urls, coverage_report=False)
        return self._repeat_run.duration_s

    def run_against_bug(self, bug: SeededBug, index: int, service_urls: Mapping[str, str]) -> float:
        """Run the suite on a copy of the project with `bug` planted (runner/bugs.py)."""
        self._progress(f"running the project's tests against seeded bug {index} ({bug.check})")
        try:
            copy = seeded_copy(self.workdir, bug, f"bug-{index}")
        except SeedError as exc:
            self._bug_runs[bug.check] = BugRun(bug.check, bug.file, None, str(exc))
            return 0.0
        try:
            run = self._suite(copy, service_urls, coverage_report=False)
        finally:
            discard(copy)
        self._bug_runs[bug.check] = BugRun(bug.check, bug.file, run)
        return run.duration_s

    def _suite(self, cwd: Path, service_urls: Mapping[str, str], *, coverage_report: bool) -> TestRun:
        tests = self.config.tests
        assert tests is not None, "the session runs the suite again only after a first run"
        report = tests.coverage if tests.coverage and coverage_report else None
        command = shown = tests.command if coverage_report else tests.rerun_command
        if report is not None:
            # A report left from the learner's machine must not count, so it goes before the
            # run; it goes as the command's own first step, with the project's own rights and
            # inside its jail (never as root: a path that leads out of the project through a
            # link must not delete anything the project could not delete itself).
            command = f"rm -f -- {shlex.quote(report)} 2>/dev/null\n{command}"
        user, group = self._launcher.account()
        env = self._env(with_services=False)
        env.update(service_urls)
        argv, env = self._shell(command, "tests", env, cwd)
        digest = FailureDigest()
        echo = self._prefixed("tests")

        def on_line(line: str) -> None:
            digest.add(line)
            if echo is not None:
                echo(line)

        code, log, seconds = run_to_end(
            "tests", argv, cwd=cwd, env=env, timeout_s=tests.timeout_s,
            on_line=on_line, user=user, group=group, on_start=self._reaper.process_group,
            log_limit_bytes=self._log_limit,
        )
        percent, detail = None, "no coverage report configured ([tests] coverage in harness.toml)"
        if report is not None:
            try:
                # Read as the harness (root when grading): never through a link, never outside.
                text = read_inside(cwd, report, coverage.MAX_REPORT_BYTES)
                found = coverage.parse(text, cwd / report)
                percent, detail = found.percent, f"{found.format}: {found.covered} of {found.total} lines"
            except FileNotFoundError:
                detail = f"no coverage report at {cwd / report}"
            except (OutsideProject, coverage.CoverageError) as exc:
                detail = str(exc)
            except OSError as exc:
                detail = f"the coverage report {report} could not be read: {exc.strerror}"
        return TestRun(shown, code, seconds, log.tail(LOG_LINES), percent, detail, digest.summary())

    def start(self) -> None:
        command = self._app.start
        self._left_stopped = False
        if command is None:
            raise AppFailed("a check of this run needs the app running, but harness.toml's [app] has no start "
                            "command", phase="start",
                            fixes=["Add one: start = \"node src/server.js\" (it must listen on $PORT)"])
        urls = self._start_processes()
        ports = self.app_env.ports
        self.server_temp.before()
        self._progress(f"starting: {command}" + (f" ({len(ports)} instances)" if len(ports) > 1 else ""))
        user, group = self._launcher.account()
        for index, port in enumerate(ports):
            env = self._env(with_services=True)
            env["PORT"] = str(port)
            env.update(urls)
            readable: tuple[Path, ...] = ()
            if self._clock is not None:  # only the running app: install and migrate keep real time
                env.update(self._clock.environment())
                readable = (self._clock.directory,)  # its offset file, which a jail's private /tmp hides
            name = "app" if len(ports) == 1 else f"app{index + 1}"
            argv, env = self._shell(command, "start", env, readable=readable)
            proc = ManagedProcess(
                name, argv, cwd=self.workdir, env=env,
                on_line=self._prefixed(name), on_start=self._reaper.process_group, user=user, group=group,
                log_limit_bytes=self._log_limit,
            )
            proc.start()
            if self._proc is None:
                self._proc = proc
            else:
                self._others.append(proc)

    def wait_ready(self) -> float:
        """Seconds from start until every instance answers its health route."""
        ready = 0.0
        for proc, url in zip(self._instances(), self.instance_urls, strict=True):
            ready = max(ready, self._wait_one(proc, url))
        self.server_temp.note(self.app_env.ports)
        self._processes_running()
        return ready

    def _processes_running(self) -> None:
        """A named process with no health route (a worker) was never waited for: one that died while
        the app started (an import error, a wrong queue URL) is named here, not by the checks that
        find their jobs never done."""
        for name, named in self._named.items():
            code = named.exit_code()
            if code is not None:
                raise AppFailed(
                    f"the {name} process exited with code {code} while the app started: it is expected to keep "
                    f"running beside the app (its start command: {named.config.start})",
                    phase="start", log_tail=named.tail(LOG_LINES),
                    fixes=[f"Run [processes.{name}] start yourself with the app's environment, and read the error"])

    def _wait_one(self, proc: ManagedProcess, base_url: str) -> float:
        budget = self._app.ready_timeout_s
        health = self._app.health
        try:
            seconds = wait_healthy(proc, base_url + health, health, budget)
            self._ready_lines[_instance_key(proc)] = proc.log.lines_added
            return seconds
        except NotReady as not_ready:
            if not_ready.exit_code is not None:
                raise AppFailed(
                    f"your app exited with code {not_ready.exit_code} before it was ready: an HTTP server is "
                    f"expected to keep running (start command: {self._app.start})",
                    phase="start", log_tail=proc.tail(LOG_LINES),
                    fixes=["Run the start command yourself with PORT and DATABASE_URL set, and read the error"],
                ) from None
            raise AppFailed(
                f"your app did not answer GET {health} with 200 within {format_duration(budget)} "
                f"(app.ready_timeout); last seen: {not_ready.last}",
                phase="start", log_tail=proc.tail(LOG_LINES),
                fixes=[f"Listen on the port in the PORT environment variable ({base_url.rsplit(':', 1)[1]} "
                       "in this run)",
                       f"Answer GET {health} with 200 once the app is ready",
                       "If the app needs longer to start, raise app.ready_timeout in harness.toml"],
            ) from None

    def restart(self, *, processes: bool = False) -> float:
        """Stop every instance as the run's end does (SIGTERM, a grace, then SIGKILL) and start them
        again on the same ports: for checks that a state outlives the process (a queued job, data
        in Redis). Seconds until they answer their health route; AppFailed if they do not.
        `processes`: the named processes are killed too (SIGKILL, a crash) and started again first,
        for a check that the whole deployment's state outlives it (a job whose worker is a process
        of its own); else they keep running, as the upstreams of a gateway do.

        The new instances are started from a thread of the runner's own, never the check's: in a
        grading jail bwrap runs with --die-with-parent, whose signal comes when the *thread* that
        started it ends, and a check's thread ends with the check."""
        self._stop_instances()  # the named processes it calls keep running (start() skips a live one)
        self._proc, self._others = None, []
        if processes:
            for named in self._named.values():
                named.kill()
        if self._starter is None:
            self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="app-restart")
        self._starter.submit(self.start).result()
        return self.wait_ready()

    def restart_if_needed(self) -> float | None:
        """restart(), for a check that stopped the app and is done with it: None, and the app left
        stopped, when no check after this one talks to it (the run's end would only stop it again:
        a JVM started for nothing is seconds of CPU)."""
        if self.needed_later:
            return self.restart()
        self._stop_instances()
        self._left_stopped = True
        return None

    def _start_processes(self) -> dict[str, str]:
        """The lab's named processes, each started and ready before the app; the app's <NAME>_URL for each."""
        absent = missing(self._wanted, self.config.processes)
        if absent:
            first = absent[0]
            raise AppFailed(f"this lab runs a {first} process beside the app, but harness.toml has no "
                            f"[processes.{first}] table saying how to start it", phase="start",
                            fixes=[f"Add it, for example:\n[processes.{first}]\n"
                                   f"start = \"node {first}/src/server.js\"\nhealth = \"/health\""])
        for name in self._wanted:
            if name not in self._named:
                self._named[name] = NamedProcess(name, self.config.processes[name], free_port(),
                                                 self._spawn, lambda proc: self._reaper.forget_process_group(proc.pid))
            named = self._named[name]
            if named.alive():
                continue
            self._progress(f"starting the {name} process: {named.config.start}")
            try:
                named.start()
            except ProcessFailed as exc:
                raise AppFailed(exc.message, phase="start", log_tail=exc.log_tail, fixes=exc.fixes) from None
        return {p.variable: p.proxy.url for p in self._named.values()}

    def _spawn(self, name: str, command: str, extra: Mapping[str, str]) -> ManagedProcess:
        """A named process, started as the app is: its account, launcher, environment and log cap; from
        a thread of the runner's own, never a check's (a jail dies with the thread that started it)."""
        if self._spawner is None:
            self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="process-start")
        return self._spawner.submit(self._spawn_here, name, command, extra).result()

    def _spawn_here(self, name: str, command: str, extra: Mapping[str, str]) -> ManagedProcess:
        user, group = self._launcher.account()
        env = self._env(with_services=True)
        env.update(extra)
        argv, env = self._shell(command, "start", env)
        proc = ManagedProcess(name, argv, cwd=self.workdir, env=env, on_line=self._prefixed(name),
                              on_start=self._reaper.process_group, user=user, group=group,
                              log_limit_bytes=self._log_limit)
        proc.start()
        return proc

    def remove_if_killed(self, path: Path) -> None:
        """A folder a check made and removes itself: the reaper removes it if this harness is killed
        first (SIGKILL, the OOM killer), when no handler of the check's runs."""
        self._reaper.path(path)

    def removed(self, path: Path) -> None:
        """The check removed the folder it named to remove_if_killed: the reaper forgets it."""
        self._reaper.forget_path(path)

    def command_pids(self) -> list[int]:
        """The processes the first instance's start command runs now (a process manager and its
        workers), without the jail's or the harness's shell around the command."""
        if self._proc is None:
            return []
        return command_tree(self._proc.pid, wrapper=["/bin/sh", "-c", self._app.start or ""])

    def terminate(self, grace_s: float, after_signal: Callable[[], None] | None = None) -> bool:
        """SIGTERM to the app's first instance (its process group: the start command and what it
        started, as an orchestrator signals a container) and wait until every process of it exited by
        itself: False when one was still running after `grace_s` (then all are killed). restart()
        brings the app back. `after_signal` runs once the signal is sent, before the wait."""
        proc = self._proc
        if proc is None:
            return True
        # The start command's own processes: not the jail's, nor the harness's shell around the command.
        signal_tree(proc.pid, signal.SIGTERM, wrapper=["/bin/sh", "-c", self._app.start or ""])
        if after_signal is not None:
            after_signal()
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            # The leader stays in the list until it is reaped: gone means it exited, nothing else left.
            if proc.poll() is not None and len(proc.group_pids()) <= 1:
                return True
            time.sleep(0.02)
        proc.stop(grace_s=0.0)
        return False

    def stop(self) -> int | None:
        """Stop every instance, then the named processes; the first instance's exit code."""
        try:
            return self._stop_instances()
        finally:
            for named in self._named.values():
                named.close()
            self._named.clear()
            if self._starter is not None:
                self._starter.shutdown()
                self._starter = None
            if self._spawner is not None:
                self._spawner.shutdown()
                self._spawner = None

    def _stop_instances(self) -> int | None:
        if self._proc is None:
            return None
        if any(proc.poll() is None for proc in self._instances()):  # it still holds its ports
            self.server_temp.note(self.app_env.ports)
        codes = []
        for proc in self._instances():
            if self._clock is not None:
                self._clock.adopt(proc.group_pids())
            codes.append(proc.stop(grace_s=5.0))
            self._reaper.forget_process_group(proc.pid)
        self.server_temp.sweep()
        return codes[0]


def _instance_key(proc: ManagedProcess) -> tuple[int, float]:
    """An instance, told from the one a restart puts in its place (the same port, a new pid)."""
    return proc.pid, proc.started_at
