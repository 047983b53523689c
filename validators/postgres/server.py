"""A PostgreSQL server of the check's own, started with the learner's conf.d.

Each check starts one and stops it before it returns (0.3 s from the cached cluster): no check
sees what another left (a churned table, a failing archiver). It runs as the unprivileged
account every local server of the harness runs as, on its own port and folder, registered with a
cleanup sidecar of its own so that a killed harness leaves nothing behind; Ctrl-C stops it in
`finally`. The server's environment holds ARCHIVE_DIR, an empty folder beside the cluster.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from harness.errors import EnvironmentProblem, ServiceError
from harness.outcomes import CannotCheck, Failure, Skip
from harness.proc.reaper import Reaper
from harness.registry import CheckContext
from harness.services.base import Mode, ServiceSettings
from harness.services.pg_access import SAFE_OPTIONS
from harness.services.postgres import LocalPostgres, start_local

from .conf import CONF_DIR, ConfFile, ConfRefused, lay_out, read_conf

ARCHIVE_ENV = "ARCHIVE_DIR"
# Nothing on the command line but what the harness needs to reach the server (start() adds
# listen_addresses, port and no Unix socket): the learner's files decide every other key.
OPTIONS = {"logging_collector": "off", "log_destination": "stderr"}
RUN_AGAIN = "harness check week-01 --track postgres --only {check}"
# The harness's superuser connections resolve names in the catalog only (the learner's SQL may
# create functions and operators in public), and no timeout of the learner's conf.d applies to them.
HARNESS_OPTIONS = (f"{SAFE_OPTIONS} -c statement_timeout=30s -c lock_timeout=30s "
                   "-c idle_in_transaction_session_timeout=0 -c default_transaction_read_only=off")


@dataclass(frozen=True)
class LabServer:
    server: LocalPostgres
    conf_dir: str  # where the learner's files are, as pg_settings.sourcefile names them
    archive: Path
    # The archive folder, opened before anything of the learner's ran: a file the harness puts
    # there later (pg.archive.works) is made through this descriptor, never through a path that
    # the server's account (in grading, the submission's) could have swapped for a link meanwhile.
    archive_fd: int

    @property
    def url(self) -> str:
        return self.server.admin_url

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        url = self.url.rsplit("/", 1)[0] + "/" + database
        return psycopg.connect(url, autocommit=True, connect_timeout=10, options=HARNESS_OPTIONS)

    def log_tail(self, lines: int = 15) -> str:
        return self.server.log_tail(lines)


def project_conf(ctx: CheckContext) -> list[ConfFile]:
    return read_conf(ctx.app.project_dir)


@contextlib.contextmanager
def lab_server(ctx: CheckContext, check_id: str) -> Iterator[LabServer]:
    """The learner's server for `check_id`; a conf.d that cannot start one skips the check
    (pg.config.starts fails and says why) unless `check_id` is that check."""
    starts = check_id == "pg.config.starts"
    try:
        files = project_conf(ctx)
    except ConfRefused as exc:
        if starts:
            raise Failure(exc.message, hint=exc.hint, reproduce=RUN_AGAIN.format(check=check_id)) from None
        raise Skip(f"no server to check: {exc.message} (pg.config.starts)") from None
    placed: dict[str, str] = {}
    opened: list[int] = []

    def prepare(data: Path) -> Mapping[str, str]:
        placed["conf"] = lay_out(files, data)
        archive = data.parent / "archive"
        archive.mkdir(mode=0o700)
        placed["archive"] = str(archive)
        opened.append(os.open(archive, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW))
        return {ARCHIVE_ENV: str(archive)}

    def refused(exc: ServiceError) -> Exception:
        if not starts:
            return Skip("no server to check: PostgreSQL does not start with conf.d (pg.config.starts)")
        return Failure(
            f"PostgreSQL does not start with your {CONF_DIR}/: {exc.message}",
            hint="The server's log below names the setting it refused (an unknown name, a value out of "
                 "range, memory it could not get). Fix that line.",
            evidence=exc.log_tail or None, reproduce=RUN_AGAIN.format(check=check_id),
        )

    try:
        with own_server(ctx, options=OPTIONS, prepare=prepare, refused=refused) as (server, _reaper):
            yield LabServer(server, placed["conf"], Path(placed["archive"]), opened[0])
    finally:
        for fd in opened:
            os.close(fd)


@contextlib.contextmanager
def own_server(ctx: CheckContext, *, options: Mapping[str, str],
               prepare: Callable[[Path], Mapping[str, str]], refused: Callable[[ServiceError], Exception],
               paths: Sequence[Path] = ()) -> Iterator[tuple[LocalPostgres, Reaper]]:
    """A local server of the check's own, with a cleanup sidecar of its own (a killed harness
    leaves nothing): `prepare` lays the cluster out before it starts, `refused` says what a
    server that does not start means for the check. `paths` (folders beside the cluster) are
    registered with the sidecar first and removed at the end. Stopped when the block ends."""
    reaper = Reaper()
    reaper.start()
    for path in paths:
        reaper.path(path)
    settings = ServiceSettings(mode=Mode.LOCAL, run_id=ctx.run_id, reaper=reaper, server_image=ctx.server_image)
    try:
        try:
            server = start_local(settings, options=options, prepare=prepare)
        except EnvironmentProblem as exc:
            raise CannotCheck(exc.message, fix=exc.fixes[0] if exc.fixes else None) from None
        except ServiceError as exc:
            raise refused(exc) from None
        try:
            yield server, reaper
        finally:
            _quiet_archiver(server)
            server.stop()
    finally:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
            reaper.forget_path(path)
        reaper.close()


def _quiet_archiver(server: LocalPostgres) -> None:
    """Before the stop, once the check has judged: no archiving. On a fast shutdown the archiver
    makes a last attempt at every finished segment, and a failing archive_command (another
    machine's path) is tried three times a second apart: ~4 s more for each check of such a
    project. The cluster is thrown away after, so nothing it would archive is wanted; a server
    that does not answer stops as it would have."""
    try:
        with psycopg.connect(server.admin_url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
            row = conn.execute("SELECT current_setting('archive_mode')").fetchone()
            if row is None or row[0] == "off":
                return
            # The archiver reads the reload before the shutdown asks for its last attempt (the
            # postmaster passes SIGHUP on as it gets it, the shutdown's signal comes later).
            conn.execute("ALTER SYSTEM SET archive_command = ''")
            conn.execute("ALTER SYSTEM SET archive_library = ''")
            conn.execute("SELECT pg_reload_conf()")
    except psycopg.Error:
        pass


def ping_standby(url: str) -> None:
    """Raises while the server does not answer; a standby without hot standby answers by refusing
    connections as such, which counts as up."""
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        if "hot standby mode is disabled" not in str(exc).lower():
            raise
