"""One `harness check` run: services, the app's database, the app, the checks, cleanup.

Results are recorded as each check ends and written by the reporters even when the run
is interrupted or crashes; whatever was started is stopped in `finally`, and a sidecar
reaper covers the case where this process itself is killed.
"""

from __future__ import annotations

import contextlib
import platform
import secrets
import signal
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from harness import __version__
from harness.catalog import Lab, LabManifest, validate_checks
from harness.config import LOCAL_SERVER_TRACKS, ProjectConfig
from harness.context import CheckContext
from harness.errors import HarnessError, NothingToRun, UsageError
from harness.httpclient import AppClient
from harness.introspect.mongo import MongoProbe
from harness.introspect.pg import PgProbe
from harness.introspect.redis import RedisProbe
from harness.outcomes import Failure, RunResult
from harness.params import ParamError
from harness.proc.reaper import Reaper
from harness.registry import CheckSpec, load_validators
from harness.reporters import Reporter
from harness.runner.app import AppEnvironment, AppFailed, AppRunner, Launcher
from harness.runner.balancer import Balancer
from harness.runner.clock import FakeClock
from harness.runner.deps import DependencyReuse
from harness.runner.execute import Planned, not_run, run_check
from harness.runner.toolchain import java_environment
from harness.runs import Leftovers
from harness.services import provision
from harness.services.base import Mode, ServiceSettings, free_port
from harness.services.feed import Feed
from harness.services.oauth import CALLBACK_PATH, OAuthProvider
from harness.services.postgres import AppDatabase, server_binaries


@dataclass(frozen=True)
class CheckRequest:
    lab: Lab
    manifest: LabManifest
    project: ProjectConfig
    workdir: Path
    mode: Mode = Mode.AUTO
    urls: Mapping[str, str] = field(default_factory=dict)
    images: Mapping[str, str] = field(default_factory=dict)
    seed: int = field(default_factory=lambda: secrets.randbelow(2**31))
    run_id: str = field(default_factory=lambda: "r" + secrets.token_hex(4))
    only: tuple[str, ...] = ()
    debug: bool = False
    points: Mapping[str, float] = field(default_factory=dict)
    # Overrides of the lab's check parameters: {check id: {name: value}} (--param).
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    launcher: Launcher | None = None
    # Stop the app when its output passes this (grading); None keeps `check`'s behaviour.
    log_limit_bytes: int | None = None
    # Run the checks this many times on the same services and app, and report any check whose
    # verdict changed (`check --repeat`): stable verdicts, proven without restarting anything.
    repeat: int = 1
    # Reuse of an unchanged install (`check`); None installs every time, as grading must.
    deps: DependencyReuse | None = None


def plan(request: CheckRequest) -> list[Planned]:
    registry = load_validators(entry.id for entry in request.manifest.checks)
    # A lab that gives its checks what they do not declare, or does not start what they need,
    # is the lab's error: said here, before anything starts.
    lab_params = validate_checks(str(request.lab.manifest_path), request.manifest, registry)
    wanted = set(request.only)
    unknown = (wanted | set(request.params)) - {e.id for e in request.manifest.checks}
    if unknown:
        raise NothingToRun(f"{', '.join(sorted(unknown))}: not a check of {request.lab.id}",
                           fixes=[f"See its checks with: harness labs {request.lab.id}"])
    planned = []
    for entry in request.manifest.checks:
        if wanted and entry.id not in wanted:
            continue
        spec = registry.get(entry.id)
        points = request.points.get(entry.id, entry.points if entry.points is not None else spec.points)
        params = {**lab_params[entry.id], **_flag_params(spec, request.params.get(entry.id, {}), request.lab)}
        planned.append(Planned(spec, points, entry.hidden, params))
    return planned


def _flag_params(spec: CheckSpec, given: Mapping[str, Any], lab: Lab) -> dict[str, Any]:
    """`--param` values for one check, checked against its declared parameters."""
    bound = {}
    for name, value in given.items():
        try:
            bound.update(spec.bind({name: value}))
        except ParamError as exc:
            raise UsageError(f"--param {spec.id}.{name}: {exc.message}",
                             fixes=[f"See each check's parameters with: harness labs {lab.id} --verbose"]) from None
    return bound


@contextlib.contextmanager
def _no_interrupts() -> Iterator[None]:
    """Cleanup must finish: a second Ctrl-C would leave servers behind."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class Session:
    def __init__(self, request: CheckRequest, reporter: Reporter) -> None:
        self.request = request
        self.reporter = reporter
        self.reaper = Reaper()
        self.services: provision.Services | None = None
        self.database: AppDatabase | None = None
        self.app: AppRunner | None = None
        self.probes: list[Any] = []
        self.client: AppClient | None = None
        self.instances: list[AppClient] = []
        self.balancer: Balancer | None = None
        self.test_databases: list[AppDatabase] = []
        self.settings: ServiceSettings | None = None
        self.clock: FakeClock | None = None
        self.feed: Feed | None = None
        self.oauth: OAuthProvider | None = None
        self.suite_leftovers: Leftovers | None = None

    def run(self) -> RunResult:
        request = self.request
        planned = plan(request)
        result = RunResult(
            lab=request.lab.id, run_id=request.run_id, seed=request.seed,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            planned=[(p.spec.id, p.spec.title, p.points) for p in planned],
        )
        result.environment = {"harness": __version__, "python": platform.python_version(),
                              "platform": platform.platform(terse=True), "project": str(request.project.root)}
        self.reporter.run_started(result)
        started = time.monotonic()
        self.reaper.start()
        try:
            ctx = self._prepare(result, [p.spec for p in planned])
            for index, item in enumerate(planned):
                self._app_needed_after(planned, index, more_rounds=request.repeat > 1)
                self.reporter.check_started(item.spec.id, item.spec.title)
                check = run_check(item, ctx, debug=request.debug)
                result.checks.append(check)
                self.reporter.check_finished(check, result)
            for number in range(2, request.repeat + 1):
                self._round_again(planned, ctx, result, number)
        except AppFailed as exc:
            result.failed_phase = exc.phase
            result.message = exc.message
            result.fixes = list(exc.fixes)
            result.app_log_tail = exc.log_tail
            for item in planned:
                result.checks.append(not_run(item, f"the app could not be {_PHASE_WORDS[exc.phase]}"))
        except KeyboardInterrupt:
            result.interrupted = True
            result.message = "interrupted: the results cover the checks that finished"
        except HarnessError as exc:
            result.message = exc.message
            result.fixes = list(exc.fixes)
            raise
        except BaseException as exc:
            result.message = f"the harness crashed: {type(exc).__name__}: {exc}"
            raise
        finally:
            with _no_interrupts():
                if self.app is not None and result.app_log_tail is None:
                    result.app_log_tail = self.app.log_tail(30) or None
                self._cleanup()
                result.timings["total"] = time.monotonic() - started
                result.finished = True
                self.reporter.run_finished(result)
        return result

    def _round_again(self, planned: list[Planned], ctx: CheckContext, result: RunResult, number: int) -> None:
        """The checks once more on the same app; a verdict that differs from the first round is recorded."""
        started = time.monotonic()
        first = {c.id: c for c in result.checks}
        changed = 0
        for index, item in enumerate(planned):
            self._app_needed_after(planned, index, more_rounds=number < self.request.repeat)
            again = run_check(item, ctx, debug=self.request.debug)
            before = first[item.spec.id]
            if again.status is not before.status:
                changed += 1
                why = f": {again.message.splitlines()[0]}" if again.message else ""
                result.unstable.append(f"{item.spec.id}: {before.status.value} in round 1, "
                                       f"{again.status.value} in round {number}{why}")
        verdicts = f"{changed} verdict{'s' if changed != 1 else ''} changed" if changed else "the same verdicts"
        seconds = time.monotonic() - started
        result.timings["rounds_again"] = result.timings.get("rounds_again", 0.0) + seconds  # what --repeat costs
        self.reporter.phase_done(f"round {number} of {self.request.repeat}: {verdicts}", seconds)

    def _app_needed_after(self, planned: list[Planned], index: int, *, more_rounds: bool) -> None:
        """Tell the app whether a check after planned[index] talks to it (restart_if_needed)."""
        if self.app is not None:
            self.app.needed_later = more_rounds or any(p.spec.needs_app for p in planned[index + 1:])

    def prepare(self, result: RunResult, planned: Sequence[CheckSpec]) -> CheckContext:
        """Services up, the app installed, migrated and started, as run() does before its checks:
        for a caller that runs the checks itself (the pytest plugin). cleanup() undoes it."""
        return self._prepare(result, planned)

    def cleanup(self) -> None:
        """Stop and remove whatever prepare() started (safe to call after a partial prepare)."""
        self._cleanup()

    def _prepare(self, result: RunResult, planned: Sequence[CheckSpec]) -> CheckContext:
        """What the planned checks need: the app started only when one talks to it, its
        database migrated only when one talks to it or reads that database."""
        request, reporter = self.request, self.reporter
        planned_ids = {spec.id for spec in planned}
        suite_runs = max((spec.suite_runs for spec in planned), default=0)
        needs_app = any(spec.needs_app for spec in planned)
        migrate = any(spec.reads_app_database for spec in planned)
        migrate_runs = max((spec.migrate_runs for spec in planned if spec.reads_app_database), default=1)
        self.settings = settings = ServiceSettings(
            mode=request.mode, run_id=request.run_id, reaper=self.reaper, urls=dict(request.urls),
            images=dict(request.images), progress=reporter.phase,
        )
        t = time.monotonic()
        # "oauth" is no server to provision: the harness runs its provider itself, below.
        servers = tuple(s for s in request.manifest.services if s != "oauth")
        self.services = services = provision.start(settings, servers)
        if servers:
            result.timings["services_ready"] = time.monotonic() - t
            result.environment["services"] = services.describe()
            result.environment["services_mode"] = f"{services.decision.mode.value} ({services.decision.reason})"
            reporter.phase_done("services ready: " + "; ".join(services.describe().values()),
                                result.timings["services_ready"])
        server_image: str | None = None
        if request.lab.track in LOCAL_SERVER_TRACKS:  # its checks start PostgreSQL servers of their own
            server_image, why = provision.servers_decision(settings)
            # No binaries, no engine or no image: said once, before any check.
            server_binaries(replace(settings, server_image=server_image), own_servers=True)
            where = f"containers of {server_image}" if server_image else "local binaries"
            result.environment["servers"] = f"{where} ({why})"
            reporter.phase(f"the lab's servers: {where} ({why})")
        urls: dict[str, str] = {}
        pg_probe = redis_probe = mongo_probe = None
        if services.postgres is not None:
            self.database = AppDatabase.create(services.postgres, settings)
            urls["DATABASE_URL"] = self.database.url
            pg_probe = PgProbe(self.database.probe.stats_url, self.database.probe.work_url,
                               app_role=self.database.role, app_database=self.database.name,
                               read_dsn=self.database.probe.read_url)
            self.probes.append(pg_probe)
        if services.redis is not None:
            urls["REDIS_URL"] = services.redis.url
            redis_probe = RedisProbe(services.redis.url)
            self.probes.append(redis_probe)
        if services.mongodb is not None:
            database = f"shelf_{request.run_id}"
            urls["MONGO_URL"] = _mongo_database_url(services.mongodb.url, database)
            mongo_probe = MongoProbe(services.mongodb.url, database)
            self.probes.append(mongo_probe)
        if request.manifest.clock == "faketime":
            self.clock = FakeClock.create()
        if request.manifest.feed:
            self.feed = Feed().start()
            urls["FEED_URL"] = self.feed.url
        app_port = free_port()
        if "oauth" in request.manifest.services:
            self.oauth = OAuthProvider(redirect_uri=f"http://127.0.0.1:{app_port}{CALLBACK_PATH}").start()
            urls.update(self.oauth.env())
        extra_ports = tuple(free_port() for _ in range(request.manifest.instances - 1))
        self.app = app = AppRunner(
            request.project, workdir=request.workdir, reaper=self.reaper, progress=reporter.phase,
            app_env=AppEnvironment(port=app_port, service_urls=urls, extra_ports=extra_ports,
                                   toolchain=java_environment(request.manifest.java)),
            echo=reporter.note if request.debug else None, launcher=request.launcher, clock=self.clock,
            log_limit_bytes=request.log_limit_bytes, deps=request.deps, lab_id=request.lab.id,
            processes=request.manifest.processes,
        )
        snapshot = pg_probe.schema_snapshot if pg_probe else None
        for phase, action in (("install", app.install),
                              ("migrate", lambda: app.migrate(snapshot, runs=migrate_runs))):
            if phase == "migrate" and not migrate:
                if app.migrate_command:
                    reporter.phase("the migrations are not run: no check of this run uses the app's database "
                                   "(the project's tests run on databases of their own)")
                continue
            seconds = action()
            if seconds:
                result.timings[phase] = seconds
                reporter.phase_done(f"{phase} done", seconds)
        if request.manifest.run_tests and suite_runs:
            self._project_tests(app, urls, planned_ids, result, again=suite_runs > 1)
        elif request.manifest.run_tests:
            reporter.phase("the project's tests are not run: no check of this run reads them")
        if needs_app:
            app.start()
            result.timings["app_ready"] = app.wait_ready()
            ports = ", ".join(str(p) for p in app.app_env.ports)
            reporter.phase_done(f"app ready on port{'s' if len(app.app_env.ports) > 1 else ''} {ports}",
                                result.timings["app_ready"])
        else:
            reporter.phase("the app is not started: no check of this run sends it a request")
        # Clients open no connection until used: the checks that need no app never use them.
        self.instances = [AppClient(url) for url in app.instance_urls]
        if needs_app and len(self.instances) > 1:
            self.balancer = Balancer([("127.0.0.1", port) for port in app.app_env.ports])
            self.balancer.start()
            self.client = AppClient(self.balancer.url)
        else:
            self.client = self.instances[0]
        return CheckContext(http=self.client, app=app, run_id=request.run_id, seed=request.seed,
                            pg_probe=pg_probe, redis_probe=redis_probe, mongo_probe=mongo_probe,
                            clock_control=self.clock, feed_server=self.feed, oauth_provider=self.oauth,
                            note=reporter.note, instances=self.instances, lab_id=request.lab.id,
                            suite_leftovers=self.suite_leftovers, server_image=server_image)

    def _project_tests(self, app: AppRunner, urls: dict[str, str], planned_ids: set[str], result: RunResult, *,
                       again: bool) -> None:
        """The project's own suite; then again on the same database, and against each seeded bug, as
        the lab asks and the run's checks read (`--only` one check runs what that one reads)."""
        manifest, reporter = self.request.manifest, self.reporter
        test_urls = self._test_urls(urls, "tests")
        database = self.test_databases[-1] if "DATABASE_URL" in test_urls and self.test_databases else None
        seconds = app.run_tests(test_urls)
        result.timings["tests"] = seconds
        reporter.phase_done("the project's tests ran", seconds)
        first = app.test_run
        if first is None or not first.passed:
            return  # a suite that fails already tells nothing more when it fails again
        if manifest.repeat_tests and not again:
            reporter.phase("the project's tests are not run again: no check of this run reads a second run")
        elif manifest.repeat_tests:
            # Whether the second run meets a used database at all: read before it runs.
            self.suite_leftovers = leftovers(database)
            seconds = app.repeat_tests(test_urls)
            result.timings["tests_repeated"] = seconds
            reporter.phase_done("the project's tests ran again", seconds)
        bugs = [bug for bug in manifest.bugs if bug.check in planned_ids]
        total = 0.0
        if bugs and app.needs_rerun_baseline():
            # The bugs run [tests] rerun, not the first run's command: proven on the shipped code first.
            total += app.run_rerun_baseline(self._test_urls(urls, "rerun"))
        for index, bug in enumerate(bugs, start=1):
            # A database of its own for each run: what one run left behind must not fail the next.
            total += app.run_against_bug(bug, index, self._test_urls(urls, f"bug{index}"))
        if bugs:
            result.timings["tests_against_bugs"] = total
            reporter.phase_done(f"the project's tests ran against {len(bugs)} seeded bugs", total)

    def _test_urls(self, urls: dict[str, str], purpose: str) -> dict[str, str]:
        """The project's tests get databases of their own: the app's stay as the checks expect."""
        test_urls = dict(urls)
        if self.services is not None and self.services.postgres is not None and self.settings is not None:
            database = AppDatabase.create(self.services.postgres, self.settings, purpose=purpose)
            self.test_databases.append(database)
            test_urls["DATABASE_URL"] = database.url
        if "REDIS_URL" in test_urls:
            test_urls["REDIS_URL"] = test_urls["REDIS_URL"].rsplit("/", 1)[0] + "/1"
        return test_urls

    def _cleanup(self) -> None:
        for client in {id(c): c for c in [*self.instances, self.client] if c is not None}.values():
            client.close()
        if self.balancer is not None:
            self.balancer.stop()
        if self.app is not None:
            self.app.stop()
        if self.clock is not None:
            self.clock.close()
        if self.feed is not None:
            self.feed.stop()
        if self.oauth is not None:
            self.oauth.stop()
        for probe in self.probes:
            with contextlib.suppress(Exception):
                probe.close()
        if self.settings is not None and self.services is not None \
                and self.services.decision.mode is Mode.EXTERNAL:
            for database in (self.database, *self.test_databases):
                if database is not None:
                    database.drop(self.settings)
        if self.services is not None:
            self.services.stop()
        self.reaper.close()


_PHASE_WORDS = {"install": "installed", "migrate": "migrated", "start": "started"}


def leftovers(database: AppDatabase | None) -> Leftovers:
    """The rows in the tables of a test run's database, counted through the harness's work login
    (a member of that database's own role: what the project's tests could read, never as
    superuser), migration bookkeeping left out."""
    if database is None:
        return Leftovers({}, "the lab provisions no PostgreSQL database for the tests")
    try:
        probe = PgProbe(database.probe.stats_url, database.probe.work_url, app_role=database.role,
                        app_database=database.name, read_dsn=database.probe.read_url)
    except (psycopg.Error, RuntimeError) as exc:
        return Leftovers({}, f"could not connect to {database.name}: {_first_line(exc)}")
    try:
        counts = probe.schema_snapshot()["row_counts"]
        bookkeeping = set(probe.migration_tables())
    except (psycopg.Error, Failure) as exc:
        return Leftovers({}, f"could not count the rows in {database.name}: {_first_line(exc)}")
    finally:
        probe.close()
    refused = sorted(table for table, rows in counts.items() if rows < 0)  # -1: the app's rights refused
    rows = {table: n for table, n in counts.items() if n >= 0 and table.rsplit(".", 1)[-1] not in bookkeeping}
    if refused and not any(rows.values()):
        return Leftovers({}, f"the app's role may not count the rows of {', '.join(refused)}")
    return Leftovers(rows)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _mongo_database_url(url: str, database: str) -> str:
    base, _, query = url.partition("?")
    scheme, _, rest = base.partition("://")
    host = rest.split("/", 1)[0]
    params = query
    if "@" in host and "authSource" not in query:
        params = "&".join(p for p in (query, "authSource=admin") if p)
    return f"{scheme}://{host}/{database}" + (f"?{params}" if params else "")
