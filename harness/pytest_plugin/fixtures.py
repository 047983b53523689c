"""What the plugin's fixtures hand out, built from the engine's own pieces: the services of
harness/services (the same `auto`/`local`/`docker`/`external` choice as `harness check`), the
fresh database and probe logins of a check run, the app runner of harness/runner."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.config import ProjectConfig, load_config
from harness.errors import HarnessError
from harness.httpclient import AppClient
from harness.introspect.pg import PgProbe
from harness.introspect.redis import RedisProbe
from harness.layers import is_layer, lay_out
from harness.proc.reaper import Reaper
from harness.runner.app import AppEnvironment, AppFailed, AppRunner
from harness.runner.deps import DependencyReuse
from harness.runner.depstore import DepStore
from harness.services import provision
from harness.services.base import Mode, ServiceSettings, free_port
from harness.services.postgres import AppDatabase, PostgresServer
from harness.services.simple import SimpleServer


def usage_error(exc: HarnessError) -> pytest.UsageError:
    """A harness error as pytest shows a usage problem: the message, then each fix on its line."""
    return pytest.UsageError(f"harness: {exc.render()}")


def services_mode(config: pytest.Config) -> Mode:
    return Mode(config.getoption("harness_services") or os.environ.get("HARNESS_SERVICES") or "auto")


def project_root(config: pytest.Config) -> Path:
    """The project folder; a lab author's layer (a reference written as the files that differ from
    its starter) is laid out whole in a temp folder first, as `harness check` does."""
    cached = config.stash.get(_PROJECT_KEY, None)
    if cached is not None:
        return cached
    given = config.getoption("harness_project")
    root = Path(given).expanduser().resolve() if given else Path(config.rootpath)
    if not root.is_dir():
        raise pytest.UsageError(f"--harness-project {given}: not a folder (give the folder of the project's "
                                "harness.toml)")
    if is_layer(root):
        tmp = tempfile.TemporaryDirectory(prefix="harness-layer-")
        config.add_cleanup(tmp.cleanup)
        root = lay_out(root, Path(tmp.name) / root.name)
    config.stash[_PROJECT_KEY] = root
    return root


_PROJECT_KEY = pytest.StashKey[Path]()


@contextlib.contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """One install of a project at a time: xdist workers (the lab's checks on one, harness_app on
    another) would otherwise write its node_modules or .venv together; the second then finds the
    install done and skips it."""
    key = hashlib.sha1(str(root).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"harness-project-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def project_config(config: pytest.Config) -> ProjectConfig:
    try:
        return load_config(project_root(config))
    except HarnessError as exc:
        raise usage_error(exc) from None


@dataclass
class HarnessDatabase:
    """A database of its own: the code under test connects with `url`; `probe` reads
    pg_stat_statements, pg_stat_activity and the catalog through the harness's own logins."""

    url: str
    name: str
    role: str
    probe: PgProbe
    _database: AppDatabase
    _settings: ServiceSettings

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.probe.close()
        self._database.drop(self._settings)


@dataclass
class HarnessRedis:
    url: str
    probe: RedisProbe


@dataclass
class ServicePool:
    """Servers started on first use and stopped with the pool; a sidecar stops them if pytest is killed."""

    settings: ServiceSettings
    _started: list[provision.Services] = field(default_factory=list)
    _postgres: PostgresServer | None = None
    _redis: SimpleServer | None = None
    _redis_probe: RedisProbe | None = None
    _databases: int = 0

    @classmethod
    def from_config(cls, config: pytest.Config) -> ServicePool:
        reaper = Reaper()
        reaper.start()
        run_id = "t" + secrets.token_hex(4)
        return cls(ServiceSettings(mode=services_mode(config), run_id=run_id, reaper=reaper,
                                   urls=_external_urls()))

    def _start(self, service: str) -> provision.Services:
        try:
            services = provision.start(self.settings, (service,))
        except HarnessError as exc:
            pytest.fail(f"harness: {service} could not be started: {exc.render()}", pytrace=False)
        self._started.append(services)
        return services

    def postgres(self) -> PostgresServer:
        if self._postgres is None:
            self._postgres = self._start("postgres").postgres
        assert self._postgres is not None
        return self._postgres

    def database(self) -> HarnessDatabase:
        server = self.postgres()
        self._databases += 1
        database = AppDatabase.create(server, self.settings, purpose=f"d{self._databases}")
        probe = PgProbe(database.probe.stats_url, database.probe.work_url, app_role=database.role,
                        app_database=database.name, read_dsn=database.probe.read_url)
        return HarnessDatabase(database.url, database.name, database.role, probe, database, self.settings)

    def redis(self) -> HarnessRedis:
        if self._redis is None:
            self._redis = self._start("redis").redis
            assert self._redis is not None
            self._redis_probe = RedisProbe(self._redis.url)
        assert self._redis_probe is not None
        self._redis_probe.client.flushdb()
        return HarnessRedis(self._redis.url, self._redis_probe)

    def close(self) -> None:
        if self._redis_probe is not None:
            with contextlib.suppress(Exception):
                self._redis_probe.close()
        for services in reversed(self._started):
            services.stop()
        self.settings.reaper.close()


def _external_urls() -> dict[str, str]:
    from harness.services.base import URL_ENV

    return {service: url for service, name in URL_ENV.items() if (url := os.environ.get(name))}


@dataclass
class HarnessApp:
    """The project's app, running: requests go to `url` (or through `http`)."""

    url: str
    http: AppClient
    database: HarnessDatabase | None
    runner: AppRunner

    def log_tail(self, lines: int = 20) -> str:
        return self.runner.log_tail(lines)

    def stop(self) -> None:
        self.http.close()
        self.runner.stop()
        if self.database is not None:
            self.database.close()


def start_app(config: pytest.Config, pool: ServicePool) -> HarnessApp:
    """Install, migrate (twice, as `harness check` does) and start the app; a failure names the
    phase and shows the app's last lines."""
    from harness.pytest_plugin.labitems import lab_services

    project = project_config(config)
    from_lab = lab_services(config)
    needs = from_lab if from_lab is not None else tuple(config.getini("harness_app_services"))
    unknown = set(needs) - {"postgres", "redis"}
    if unknown:
        raise pytest.UsageError(f"harness_app_services: {', '.join(sorted(unknown))}: not a service the "
                                "harness_app fixture starts (postgres, redis)")
    database = pool.database() if "postgres" in needs else None
    urls = {"DATABASE_URL": database.url} if database is not None else {}
    if "redis" in needs:
        urls["REDIS_URL"] = pool.redis().url
    # An unchanged install is skipped, as by `harness check` (the same cache of installs).
    runner = AppRunner(project, workdir=project.root, reaper=pool.settings.reaper, progress=lambda _text: None,
                       app_env=AppEnvironment(port=free_port(), service_urls=urls), deps=DependencyReuse(DepStore()))
    try:
        with project_lock(project.root):
            runner.install()
            runner.migrate(database.probe.schema_snapshot if database is not None else None)
            runner.start()
            runner.wait_ready()
    except BaseException as exc:
        runner.stop()
        if database is not None:
            database.close()
        if isinstance(exc, AppFailed):
            pytest.fail(f"harness_app: {exc.render()}", pytrace=False)
        raise
    return HarnessApp(runner.base_url, AppClient(runner.base_url), database, runner)
