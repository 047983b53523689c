"""A primary the harness runs and the standby the learner's setup-replica.sh builds of it.

Each check builds its own pair and stops both before it returns (a few seconds from the cached
cluster): a check that stops the standby or loads the primary leaves nothing to another. The
script runs with the PostgreSQL binaries on PATH, a time budget and only the variables named
below; its output goes into every failure. `harness check` runs it as the unprivileged account
the servers run as, never as root, and starts the standby as that account too. `harness grade`
runs the script and the standby through the submission's jail, as its own uid (replica/jailed.py
says why and how). Every server is registered with a cleanup sidecar, as every lab server is.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from harness.errors import EnvironmentProblem, ServiceError
from harness.outcomes import CannotCheck, Failure, Skip
from harness.proc.process import run_to_end
from harness.proc.reaper import Reaper
from harness.registry import CheckContext
from harness.runner.confined import OutsideProject, read_inside
from harness.services import pg_template, users
from harness.services.base import Mode, ServiceSettings
from harness.services.postgres import LocalPostgres, start_local

from .replica import jailed
from .server import HARNESS_OPTIONS

SCRIPT = "setup-replica.sh"
SCRIPT_BYTES = 64 * 1024
# pg_basebackup of a fresh cluster (about 40 MB with its WAL) takes a second or two; the rest is
# room for a busy machine and for a script that waits for something before it ends.
SCRIPT_BUDGET_S = 60.0
# From the standby's start to `streaming` in pg_stat_replication: under a second when idle.
STREAMING_WAIT_S = 30.0
REPLICATION_USER = "replicator"
# The name the standby gives itself (application_name in primary_conninfo): how the primary's
# pg_stat_replication and synchronous_standby_names tell standbys apart.
STANDBY_NAME = "replica1"
# A login of the application's readers, created on the primary (the standby has it by replication).
READER = "app_reader"
RUN_AGAIN = "harness check week-08 --track postgres --only {check}"
STREAMING = "pg.replica.streaming"
READ_ONLY = "pg.replica.read_only"
# The table whose rows pg.replica.read_only's running read sees while replay removes them.
CONFLICT_TABLE = "CREATE TABLE public.conflict_probe AS SELECT g AS id FROM generate_series(1, 1000) AS g"
# Nothing on the command line decides what the lab grades: the standby's own postgresql.conf and
# postgresql.auto.conf (what the script wrote) set hot_standby, primary_conninfo and the rest.
# fsync is off on both: throwaway clusters, and the checks measure replication, not the disk.
PRIMARY_OPTIONS = {"logging_collector": "off", "log_destination": "stderr", "fsync": "off",
                   "wal_keep_size": "0", "max_slot_wal_keep_size": "-1"}
STANDBY_OPTIONS = {"logging_collector": "off", "log_destination": "stderr", "fsync": "off"}


class ScriptFailed(Exception):
    def __init__(self, message: str, output: str) -> None:
        super().__init__(message)
        self.message = message
        self.output = output


class Standby(Protocol):
    """The standby as the checks use it: LocalPostgres (check), replica/jailed.py's (grade)."""

    port: int
    admin_url: str

    def log_tail(self, lines: int = 20) -> str: ...

    def halt(self) -> None: ...

    def start(self, timeout_s: float = 30.0) -> None: ...

    def stop(self) -> None: ...


@dataclass
class Pair:
    primary: LocalPostgres
    standby: Standby
    script_output: str
    reader_password: str
    # The harness's superuser login on the primary: its admin_url, or when grading the one of
    # replica/jailed.py's take_over (the primary then refuses the standby's `harness`).
    primary_url: str
    walsender: dict[str, object] = field(default_factory=dict)  # its pg_stat_replication row

    def primary_conn(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.primary_url, autocommit=True, connect_timeout=10, options=HARNESS_OPTIONS)

    def standby_conn(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.standby.admin_url, autocommit=True, connect_timeout=10, options=HARNESS_OPTIONS)

    def reader_conn(self) -> psycopg.Connection[tuple[object, ...]]:
        """The application's reader on the standby: a login without any right to write."""
        return psycopg.connect(host="127.0.0.1", port=self.standby.port, user=READER, password=self.reader_password,
                               dbname="postgres", autocommit=True, connect_timeout=10, options=HARNESS_OPTIONS)

    def evidence(self, lines: int = 12) -> str:
        """The script's output and the standby's last log lines, for a failure."""
        out = "\n".join(self.script_output.splitlines()[-lines:]) or "(no output)"
        return f"{SCRIPT} printed:\n{out}\nthe standby's log:\n{self.standby.log_tail(lines)}"

    def hot_standby_refusal(self) -> str | None:
        """The standby's refusal when it takes no connections at all (hot_standby = off)."""
        try:
            with self.standby_conn() as conn:
                conn.execute("SELECT 1")
        except psycopg.OperationalError as exc:
            return str(exc).strip()
        return None

    def require_connections(self) -> None:
        if self.hot_standby_refusal() is not None:
            raise Skip(f"the standby takes no connections ({READ_ONLY})")


def _grading() -> bool:
    """Set by the grading orchestrator, with a jail for the submission's commands (grading/runner.py)."""
    return users.grading()


def _script_text(ctx: CheckContext) -> str:
    try:
        return read_inside(ctx.app.project_dir, SCRIPT, SCRIPT_BYTES)
    except (OSError, OutsideProject) as exc:
        raise ScriptFailed(f"the project has no readable {SCRIPT} ({exc})", "") from None


def _script_env(primary: LocalPostgres, passfile: Path, data: Path, home: Path) -> dict[str, str]:
    return {
        "PATH": f"{primary.binaries.bindir}:/usr/bin:/bin", "LC_ALL": "C", "HOME": str(home),
        "PRIMARY_HOST": "127.0.0.1", "PRIMARY_PORT": str(primary.port), "REPLICATION_USER": REPLICATION_USER,
        "PGPASSFILE": str(passfile), "STANDBY_DATA": str(data), "STANDBY_NAME": STANDBY_NAME,
    }


def _passfile_line(primary: LocalPostgres, password: str) -> str:
    return f"127.0.0.1:{primary.port}:*:{REPLICATION_USER}:{password}\n"


def _judge_script(code: int | None, output: str, seconds: float, built: bool, data: Path) -> None:
    """Raises ScriptFailed unless the script ended well and left a cluster."""
    if code is None:
        raise ScriptFailed(f"{SCRIPT} did not finish within {SCRIPT_BUDGET_S:.0f} s (it was stopped)", output)
    if code != 0:
        raise ScriptFailed(f"{SCRIPT} exited with code {code} after {seconds:.1f} s", output)
    if not built:
        raise ScriptFailed(f"{SCRIPT} exited 0 but left no cluster in $STANDBY_DATA ({data} has no PG_VERSION)",
                           output)


def _run_script(ctx: CheckContext, text: str, data: Path, primary: LocalPostgres, password: str,
                reaper: Reaper) -> str:
    """Run the learner's script as the unprivileged account; its output. Raises ScriptFailed."""
    account = users.current()  # None: the harness is not root, and the script runs as ourselves
    home = data.parent
    script = home / SCRIPT
    script.write_text(text)
    passfile = home / "primary.pgpass"
    passfile.write_text(_passfile_line(primary, password))
    for path in (script, passfile):
        path.chmod(0o600)
        users.give(path, account)
    users.give(home, account)
    users.give(data, account)
    # Docker mode: a container of the primary's image, with its binaries (pg_container.py).
    argv, env, uid, gid = primary.run.tool(["/bin/sh", str(script)], _script_env(primary, passfile, data, home),
                                           home, account)
    code, log, seconds = run_to_end(SCRIPT, argv, cwd=home, env=env,
                                    timeout_s=SCRIPT_BUDGET_S, on_start=reaper.process_group, user=uid, group=gid)
    output = log.text()
    _judge_script(code, output, seconds, (data / "PG_VERSION").is_file(), data)
    return output


def _jailed_standby(ctx: CheckContext, text: str, primary: LocalPostgres, password: str,
                    superuser_password: str) -> tuple[Standby, str]:
    """Grading: the script, then the standby, through the submission's jail (replica/jailed.py).
    Raises ScriptFailed or ServiceError; nothing of theirs is left when it raises."""
    scratch = jailed.Scratch(ctx.app.project_dir)
    try:
        jailed.check_account(ctx, scratch)
        script = scratch.write(SCRIPT, text)
        passfile = scratch.write("primary.pgpass", _passfile_line(primary, password))
        data = scratch.path / "data"
        run = ctx.app.run_command(["/bin/sh", str(script)], timeout_s=SCRIPT_BUDGET_S,
                                  env=_script_env(primary, passfile, data, scratch.path), cwd=scratch.path)
        _judge_script(run.exit_code, run.output, run.duration_s, scratch.has_cluster(), data)
        standby = jailed.JailedStandby(ctx, scratch, primary, STANDBY_OPTIONS, superuser_password)
        standby.start()
        return standby, run.output
    except BaseException:
        scratch.remove()
        raise


def _create_logins(primary: LocalPostgres, password: str, reader_password: str, *, conflict_rows: bool) -> None:
    with psycopg.connect(primary.admin_url, autocommit=True, connect_timeout=10, options=HARNESS_OPTIONS) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN REPLICATION PASSWORD {}").format(
            sql.Identifier(REPLICATION_USER), sql.Literal(pg_template.scram_verifier(password))))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE pg_read_all_data").format(
            sql.Identifier(READER), sql.Literal(pg_template.scram_verifier(reader_password))))
        if conflict_rows:
            # pg.replica.read_only's rows (conflict.py), made before the script copies the primary:
            # the standby starts with them and no commit has to be replayed first (a standby with
            # a recovery_min_apply_delay would hold that commit back by the whole delay).
            conn.execute(CONFLICT_TABLE)


def _wait_streaming(pair: Pair) -> dict[str, object] | None:
    deadline = time.monotonic() + STREAMING_WAIT_S
    interval = 0.05
    while True:
        with pair.primary_conn() as conn, conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute("SELECT pid, application_name, state, sync_state, sent_lsn, flush_lsn "
                              "FROM pg_stat_replication WHERE state = 'streaming' LIMIT 1").fetchone()
        if row is not None:
            return dict(row)
        if time.monotonic() >= deadline or _standalone(pair):
            return None
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)


def _standalone(pair: Pair) -> bool:
    """The copy runs as a primary of its own: it will never stream, no need to wait."""
    try:
        with pair.standby_conn() as conn:
            row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
    except psycopg.Error:
        return False
    return row == (False,)


def _not_streaming(pair: Pair) -> Failure:
    try:
        with pair.standby_conn() as conn:
            row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
        recovering: bool | None = bool(row and row[0])
    except psycopg.Error:
        recovering = None
    if recovering is False:
        return Failure("the copy started as a primary of its own, not as a standby",
                       expected="a server in recovery, streaming from the primary",
                       actual="pg_is_in_recovery() is false on it: there is no standby.signal in $STANDBY_DATA",
                       hint="pg_basebackup -R writes standby.signal and primary_conninfo (in "
                            "postgresql.auto.conf); without them the copy is just another primary.",
                       evidence=pair.evidence(), reproduce=RUN_AGAIN.format(check=STREAMING))
    return Failure(f"no standby streams from the primary {STREAMING_WAIT_S:.0f} s after it started",
                   expected="a row with state 'streaming' in the primary's pg_stat_replication",
                   actual="none (the standby's log below says why: a wrong primary_conninfo, a refused login, "
                          "a slot that does not exist)",
                   hint="primary_conninfo must reach $PRIMARY_HOST:$PRIMARY_PORT as $REPLICATION_USER (its "
                        "password is in $PGPASSFILE); pg_basebackup -R writes it for you.",
                   evidence=pair.evidence(), reproduce=RUN_AGAIN.format(check=STREAMING))


@contextlib.contextmanager
def replica_pair(ctx: CheckContext, check_id: str) -> Iterator[Pair]:
    """The pair for `check_id`, streaming. A script or standby that fails fails pg.replica.streaming
    and skips the other checks (they name it)."""
    streaming = check_id == STREAMING

    def refuse(message: str, **fields: object) -> Exception:
        if streaming:
            return Failure(message, reproduce=RUN_AGAIN.format(check=check_id), **fields)  # type: ignore[arg-type]
        return Skip(f"no streaming standby to check: {message} ({STREAMING})")

    try:
        text = _script_text(ctx)
    except ScriptFailed as exc:
        raise refuse(exc.message, hint=f"Write {SCRIPT} at the project's top level (the README says what it "
                                       "gets and must do).") from None
    reaper = Reaper()
    reaper.start()
    settings = ServiceSettings(mode=Mode.LOCAL, run_id=ctx.run_id, reaper=reaper, server_image=ctx.server_image)
    password = secrets.token_urlsafe(18)
    output: dict[str, str] = {}
    try:
        try:
            primary = start_local(settings, options=PRIMARY_OPTIONS)
        except (EnvironmentProblem, ServiceError) as exc:
            raise CannotCheck(f"the harness's primary did not start: {exc.message}") from None
        try:
            reader_password = secrets.token_urlsafe(18)
            _create_logins(primary, password, reader_password, conflict_rows=check_id == READ_ONLY)
            superuser = unquote(urlsplit(primary.admin_url).password or "")
            primary_url = primary.admin_url

            def prepare(data: Path) -> Mapping[str, str]:
                output["text"] = _run_script(ctx, text, data, primary, password, reaper)
                return {}

            standby: Standby
            try:
                if _grading():
                    primary_url, superuser = jailed.take_over(primary, HARNESS_OPTIONS)
                    standby, output["text"] = _jailed_standby(ctx, text, primary, password, superuser)
                else:
                    standby = start_local(settings, options=STANDBY_OPTIONS, prepare=prepare, copy_password=superuser)
            except ScriptFailed as exc:
                raise refuse(exc.message, evidence=f"{SCRIPT} printed:\n{exc.output[-3000:] or '(no output)'}",
                             hint="Run the script by hand against a primary of your own (the README shows how) "
                                  "and fix what it prints.") from None
            except ServiceError as exc:
                raise refuse(f"the standby did not start from the folder {SCRIPT} built: {exc.message}",
                             evidence=f"{SCRIPT} printed:\n{output.get('text', '')[-2000:]}\nthe standby's log:\n"
                                      f"{exc.log_tail or ''}",
                             hint="The standby's log above names what it refused.") from None
            try:
                pair = Pair(primary, standby, output.get("text", ""), reader_password, primary_url)
                row = _wait_streaming(pair)
                if row is None:
                    failure = _not_streaming(pair)
                    if streaming:
                        raise failure
                    raise Skip(f"no streaming standby to check: {failure.message} ({STREAMING})")
                pair.walsender = row
                yield pair
            finally:
                standby.stop()
        finally:
            primary.stop()
    finally:
        reaper.close()


def recovery_conflict(exc: psycopg.Error) -> bool:
    """A standby's query cancelled, or its session ended, because replay needed what it saw.

    A session the standby ends mid-query (FATAL: terminating connection due to conflict with
    recovery, max_standby_streaming_delay = 0) may reach the client only as its connection
    closing: that counts too. For a retry it is safe: a standby that really stopped refuses the
    next connection, which is no conflict."""
    text = str(exc)
    return exc.sqlstate == "40001" or "conflict with recovery" in text or \
        (isinstance(exc, psycopg.OperationalError) and "server closed the connection unexpectedly" in text)


def wait_for(probe: Callable[[], bool], timeout_s: float) -> tuple[bool, float]:
    """Poll `probe` until it is true or `timeout_s` passed; (reached, seconds waited)."""
    started = time.monotonic()
    interval = 0.02
    while True:
        if probe():
            return True, time.monotonic() - started
        if time.monotonic() - started >= timeout_s:
            return False, time.monotonic() - started
        time.sleep(interval)
        interval = min(interval * 1.5, 0.25)
