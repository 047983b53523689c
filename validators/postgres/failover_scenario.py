"""postgres/week-15's one scenario per run, whose phases the four pg.ha.* checks read.

node1 (the harness's primary, with the learner's conf.d) and node2 (the standby the learner's
setup-standby.sh builds of it) stream; three writers commit new ids on node1. The harness then
freezes node1's WAL sender (SIGSTOP: nothing more reaches node2) while the writers go on for a
second, and kills node1 (SIGKILL, every process of it: a machine that died). With synchronous
replication no commit made in that second was acknowledged (each waited for node2); without
it, they were, and they are lost. failover.sh promotes node2 while a writer comes back through
the learner's conninfo.txt; rejoin.sh rewinds node1's folder (pg_rewind), the harness starts it
again as a standby, and a new connection through conninfo.txt must still land on node2.

The kill is destructive, so the first check that asks runs the whole scenario and every check
reads its record (cached per run, as perf_lab.py's figures are); both servers, the scripts and
their folders are gone before that first check returns.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

from harness.errors import EnvironmentProblem, ServiceError
from harness.outcomes import CannotCheck
from harness.proc.reaper import Reaper
from harness.registry import CheckContext
from harness.runner.confined import OutsideProject, read_inside
from harness.services import pg_template, users
from harness.services.base import Mode, ServiceSettings
from harness.services.postgres import LocalPostgres, start_local

from . import failover_client as client
from . import failover_promote as promote
from . import failover_servers as servers
from .conf import ConfFile, ConfRefused, lay_out, read_conf
from .replica_pair import wait_for
from .server import HARNESS_OPTIONS

SETUP, FAILOVER, REJOIN = "setup-standby.sh", "failover.sh", "rejoin.sh"
NODE1, NODE2 = "node1", "node2"
REPLICATION_USER = "replicator"
RUN_AGAIN = "harness check week-15 --track postgres --only {check}"
GATE = "pg.ha.promoted"
# The harness's own statements on node1 never wait for a standby (the learner's
# synchronous_standby_names would hold them until node2 exists).
SETUP_OPTIONS = f"{HARNESS_OPTIONS} -c synchronous_commit=local"
SERVER_OPTIONS = {"logging_collector": "off", "log_destination": "stderr", "fsync": "off"}
# Budgets and bounds for a busy 2-core machine; every figure is measured and reported.
SETUP_BUDGET_S = 60.0
FAILOVER_BUDGET_S = 60.0
REJOIN_BUDGET_S = 90.0
STREAMING_S = 30.0
PROMOTE_BOUND_S = 20.0  # from the kill to node2 out of recovery
RESUME_BOUND_S = 30.0  # from node2's promotion to the client's first write acknowledged again
LOAD_S = 1.5  # writers on node1 before the freeze, at most: it ends once LOAD_COMMITS are acknowledged
# The writers connected and committing steadily (each commit waited for node2 when it is synchronous):
# the state the freeze needs. The writers make thousands a second here, so the wait ends within a
# fraction of LOAD_S; a slow machine or a slow standby still gets the whole LOAD_S, as before.
LOAD_COMMITS = 300  # 100 per writer on average
FROZEN_S = 1.0  # writers on node1 with its WAL sender stopped, before the kill
WRITERS = 3
ANCHOR = "ha_anchor"  # a table whose file keeps its inode through pg_rewind, not through a new copy


class SetupFailed(Exception):
    def __init__(self, message: str, hint: str, evidence: str = "") -> None:
        super().__init__(message)
        self.message, self.hint, self.evidence = message, hint, evidence


@dataclass
class Record:
    """What the scenario saw; each check reads its part."""

    problem: SetupFailed | None = None
    sync_state: str = ""  # node2's in node1's pg_stat_replication before the kill
    acked: int = 0
    acked_frozen: int = 0  # acknowledged while node1's WAL sender was stopped
    missing: list[int] = field(default_factory=list)
    unread: str = ""  # why node2's ids could not be read
    failover: servers.ScriptRun | None = None
    promoted_s: float | None = None  # by failover.sh, from the kill
    never_asked: bool = False  # failover.sh exited without asking for a promotion (failover_promote.py)
    # When node2 became a primary (monotonic), by failover.sh or else by the harness itself, so
    # that the client and the rejoin are checked whatever failover.sh did; None: neither did.
    primary_at: float | None = None
    node2_log: str = ""
    conninfo_problem: client.ConninfoRefused | None = None
    before_kill: client.Landed | None = None
    # Before the kill, with the ports swapped in the string: the first server listed is then a
    # standby (node2), as node1 is once it rejoined, and the write must land on node1.
    swapped: client.Landed | None = None
    resumed_s: float | None = None
    resume_error: str = ""
    resume_attempts: int = 0
    rejoin: servers.ScriptRun | None = None
    rejoin_problem: str = ""
    rewound_in_place: bool | None = None
    rejoined_streaming_s: float | None = None
    node1_log: str = ""
    after_rejoin: client.Landed | None = None
    node2_port: int = 0
    node1_port: int = 0


_lock = threading.Lock()
_records: dict[str, Record] = {}


def record(ctx: CheckContext) -> Record:
    """The run's scenario (run by the first check that asks)."""
    if os.environ.get(users.SERVICE_UID_ENV):
        raise CannotCheck("postgres/week-15 is not graded in the submission's jail yet: its failover.sh and "
                          "rejoin.sh act on both servers' processes and folders, which week-08's jail (one "
                          "standby, one folder) does not give them; run `harness check week-15` instead")
    with _lock:
        found = _records.get(ctx.run_id)
        if found is None:
            found = _records[ctx.run_id] = _run(ctx)
    return found


def _read(ctx: CheckContext, name: str) -> str:
    try:
        return read_inside(ctx.app.project_dir, name, servers.SCRIPT_BYTES)
    except (OSError, OutsideProject) as exc:
        raise SetupFailed(f"the project has no readable {name} ({exc})",
                          f"Write {name} at the project's top level (the README says what it gets and does).") \
            from None


def _run(ctx: CheckContext) -> Record:
    rec = Record()
    try:
        conf = read_conf(ctx.app.project_dir)
        setup, failover = _read(ctx, SETUP), _read(ctx, FAILOVER)
    except ConfRefused as exc:
        rec.problem = SetupFailed(exc.message, exc.hint)
        return rec
    except SetupFailed as exc:
        rec.problem = exc
        return rec
    try:
        conninfo = client.parse_conninfo(read_inside(ctx.app.project_dir, client.CONNINFO, client.CONNINFO_BYTES))
    except (OSError, OutsideProject) as exc:
        rec.conninfo_problem = client.ConninfoRefused(f"the project has no readable {client.CONNINFO} ({exc})",
                                                      f"Write {client.CONNINFO} as the README says.")
        conninfo = ""
    except client.ConninfoRefused as exc:
        rec.conninfo_problem, conninfo = exc, ""
    reaper = Reaper()
    reaper.start()
    try:
        _with_servers(ctx, rec, conf, setup, failover, conninfo, reaper)
    except SetupFailed as exc:
        rec.problem = exc
    finally:
        reaper.close()
    return rec


def _lay_out(conf: list[ConfFile], data: Path) -> Mapping[str, str]:
    """The learner's conf.d in node1's folder; and until the harness's server is up (its own first
    statement waits for no standby: there is none yet), no synchronous standby."""
    lay_out(conf, data)
    with (data / "postgresql.auto.conf").open("a", encoding="utf-8") as auto:
        auto.write("synchronous_standby_names = ''\n")
    return {}


def _admin(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url, autocommit=True, connect_timeout=10, options=SETUP_OPTIONS)


def _prepare_node1(url: str, password: str, writer_password: str) -> None:
    verifier = sql.Literal(pg_template.scram_verifier(password))
    with _admin(url) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN REPLICATION PASSWORD {}").format(
            sql.Identifier(REPLICATION_USER), verifier))
        # What pg_rewind reads of its source without a superuser (its documentation's list).
        for function in ("pg_ls_dir(text, boolean, boolean)", "pg_stat_file(text, boolean)",
                         "pg_read_binary_file(text)", "pg_read_binary_file(text, bigint, bigint, boolean)"):
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION pg_catalog.{} TO {}").format(
                sql.SQL(function), sql.Identifier(REPLICATION_USER)))
        # A CHECKPOINT on a just-promoted source, so that pg_rewind sees its new timeline.
        conn.execute(sql.SQL("GRANT pg_checkpoint TO {}").format(sql.Identifier(REPLICATION_USER)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(client.WRITER), sql.Literal(pg_template.scram_verifier(writer_password))))
        conn.execute(sql.SQL("CREATE TABLE {} (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())")
                     .format(sql.Identifier("public", client.TABLE)))
        conn.execute(sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(sql.Identifier("public", client.TABLE),
                                                                       sql.Identifier(client.WRITER)))
        conn.execute(sql.SQL("CREATE TABLE {} AS SELECT g AS n FROM generate_series(1, 20000) g").format(
            sql.Identifier("public", ANCHOR)))
        conn.execute("CHECKPOINT")


def _anchor_inode(url: str, data: Path) -> int:
    with _admin(url) as conn:
        row = conn.execute("SELECT pg_relation_filepath(%s)", (f"public.{ANCHOR}",)).fetchone()
    assert row is not None
    return os.stat(data / str(row[0])).st_ino


def _passfile(home: Path, password: str) -> Path:
    return servers.write_private(home, "servers.pgpass", f"127.0.0.1:*:*:{REPLICATION_USER}:{password}\n")


def _env(primary: LocalPostgres, **more: str) -> dict[str, str]:
    return {"PATH": f"{primary.binaries.bindir}:/usr/bin:/bin", "LC_ALL": "C", **more}


def _with_servers(ctx: CheckContext, rec: Record, conf: list[ConfFile], setup: str, failover: str,
                  conninfo: str, reaper: Reaper) -> None:
    settings = ServiceSettings(mode=Mode.LOCAL, run_id=ctx.run_id, reaper=reaper)
    try:
        node1 = start_local(settings, options=SERVER_OPTIONS, prepare=partial(_lay_out, conf))
    except (EnvironmentProblem, ServiceError) as exc:
        log = getattr(exc, "log_tail", "")
        raise SetupFailed(f"node1 did not start with your conf.d: {exc.message}",
                          "The server's log below names the setting it refused.", log) from None
    try:
        with _admin(node1.admin_url) as conn:  # the learner's synchronous_standby_names from here on
            conn.execute("ALTER SYSTEM RESET synchronous_standby_names")
            conn.execute("SELECT pg_reload_conf()")
        password, writer_password = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
        _prepare_node1(node1.admin_url, password, writer_password)
        data1 = servers.data_folder(node1.admin_url, SETUP_OPTIONS)
        inode = _anchor_inode(node1.admin_url, data1)
        superuser = unquote(urlsplit(node1.admin_url).password or "")
        script: dict[str, servers.ScriptRun] = {}
        folders: dict[str, Path] = {}

        def build(data: Path) -> Mapping[str, str]:
            folders["data"] = data
            home = data.parent
            users.give(home, users.current())
            users.give(data, users.current())
            env = _env(node1, PRIMARY_HOST="127.0.0.1", PRIMARY_PORT=str(node1.port),
                       REPLICATION_USER=REPLICATION_USER, PGPASSFILE=str(_passfile(home, password)),
                       STANDBY_DATA=str(data), STANDBY_NAME=NODE2)
            run = script["setup"] = servers.run_script(SETUP, setup, home, env, SETUP_BUDGET_S, reaper)
            if not run.ok or not (data / "PG_VERSION").is_file():
                verdict = run.verdict() if not run.ok else f"{SETUP} exited 0 but left no cluster in $STANDBY_DATA"
                raise SetupFailed(verdict, "Run the script by hand against a primary of your own (the README "
                                           "shows how) and fix what it prints.", run.tail())
            return {}

        try:
            node2 = start_local(settings, options=SERVER_OPTIONS, prepare=build, copy_password=superuser)
        except ServiceError as exc:
            raise SetupFailed(f"node2 did not start from the folder {SETUP} built: {exc.message}",
                              "The standby's log below names what it refused.",
                              f"{script['setup'].tail() if 'setup' in script else ''}\nnode2's log:\n"
                              f"{exc.log_tail}") from None
        try:
            _scenario(rec, node1, node2, data1, folders["data"], inode, password, writer_password, failover,
                      conninfo, ctx, reaper)
        finally:
            node2.stop()
    finally:
        node1.stop()


def _walsender(node1: LocalPostgres) -> tuple[int, str] | None:
    with _admin(node1.admin_url) as conn:
        row = conn.execute("SELECT pid, sync_state FROM pg_stat_replication WHERE state = 'streaming' "
                           "AND application_name = %s", (NODE2,)).fetchone()
    return (int(row[0]), str(row[1])) if row else None  # type: ignore[call-overload]


def _scenario(rec: Record, node1: LocalPostgres, node2: LocalPostgres, data1: Path, data2: Path, inode: int,
              password: str,
              writer_password: str, failover: str, conninfo: str, ctx: CheckContext, reaper: Reaper) -> None:
    found: list[tuple[int, str]] = []

    def streams() -> bool:
        row = _walsender(node1)
        if row is not None:
            found.append(row)
        return row is not None

    if not wait_for(streams, STREAMING_S)[0]:
        raise SetupFailed(f"node2 does not stream from node1 as {NODE2!r} {STREAMING_S:.0f} s after it started",
                          f"primary_conninfo must reach $PRIMARY_HOST:$PRIMARY_PORT as $REPLICATION_USER with "
                          f"application_name=$STANDBY_NAME ({NODE2}); pg_basebackup -R writes it.",
                          f"node2's log:\n{node2.log_tail(12)}")
    sender, rec.sync_state = found[-1]
    rec.node1_port, rec.node2_port = node1.port, node2.port
    login = client.Login(client.WRITER, writer_password)
    ids = itertools.count(1)
    if conninfo:
        rec.before_kill = client.write_once(client.fill(conninfo, node1.port, node2.port), login, next(ids))
        rec.swapped = client.write_once(client.fill(conninfo, node2.port, node1.port), login, next(ids))
    acked = client.Acked()
    load = client.Load(lambda: login.connect(f"host=127.0.0.1 port={node1.port}"), WRITERS, acked, ids)
    load.start()
    wait_for(lambda: len(acked.all()) >= LOAD_COMMITS, LOAD_S)  # either way the freeze comes next
    now = _walsender(node1)  # under load, as the commits see it
    if now is not None:
        sender, rec.sync_state = now
    os.kill(sender, signal.SIGSTOP)  # nothing more reaches node2 from here
    frozen_at = time.monotonic()
    time.sleep(FROZEN_S)
    servers.kill_primary(node1, data1, [sender])
    killed_at = time.monotonic()
    load.finish(10.0)
    rec.acked_frozen = len(acked.after(frozen_at))

    resume = None
    if conninfo:
        resume = client.Resume(client.fill(conninfo, rec.node1_port, node2.port), login, acked, ids,
                               killed_at + PROMOTE_BOUND_S + HARNESS_PROMOTE_S + RESUME_BOUND_S)
        resume.start()
    promoted: list[float] = []
    given_up = threading.Event()
    watcher = threading.Thread(target=_watch_promotion, args=(node2.admin_url, killed_at, promoted, given_up),
                               daemon=True)
    watcher.start()
    home2 = servers.home_for(data2, "failover")
    rec.failover = servers.run_script(FAILOVER, failover, home2, _env(
        node2, STANDBY_HOST="127.0.0.1", STANDBY_PORT=str(node2.port), STANDBY_DATA=str(data2),
        PGPASSFILE=str(_passfile(home2, password))), FAILOVER_BUDGET_S, reaper)
    # failover.sh has exited and its processes are gone: when it asked for no promotion, none
    # will come, and the bound need not be waited out (failover_promote.py).
    bound = killed_at + PROMOTE_BOUND_S
    if watcher.is_alive() and promote.never_requested(node2, data2, bound):
        rec.never_asked = True
        given_up.set()
    watcher.join(max(0.0, bound - time.monotonic()) + 1.0)
    rec.promoted_s = promoted[0] if promoted else None
    rec.primary_at = killed_at + rec.promoted_s if rec.promoted_s is not None else _promote(node2)
    if resume is not None:
        # Never a primary: nothing will take the writes (pg.ha.client_resumes is skipped).
        if rec.primary_at is not None:
            resume.join(max(0.0, rec.primary_at + RESUME_BOUND_S - time.monotonic()) + CONNECT_GRACE_S)
        resume.stop()
        if resume.first is not None and rec.primary_at is not None:
            rec.resumed_s = max(0.0, resume.first - rec.primary_at)
        rec.resume_error, rec.resume_attempts = resume.last_error, resume.attempts
    rec.acked = len(acked.all())
    _count_missing(rec, node2, acked.all())
    rec.node2_log = node2.log_tail(15)
    if rec.primary_at is not None:
        _rejoin(rec, ctx, node1, node2, data1, inode, password, conninfo, login, ids, reaper)


CONNECT_GRACE_S = 2.0 * client.CONNECT_TIMEOUT_S


HARNESS_PROMOTE_S = 30


def _promote(node2: LocalPostgres) -> float | None:
    """failover.sh did not promote node2: the harness does (pg_promote), so that the checks of the
    client and of the rejoin still run. When node2 became a primary; None: it did not."""
    try:
        with psycopg.connect(node2.admin_url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
            row = conn.execute("SELECT pg_promote(true, %s)", (HARNESS_PROMOTE_S,)).fetchone()
    except psycopg.Error:  # promoted meanwhile (failover.sh, after the bound) or not reachable
        return time.monotonic() if _in_recovery(node2.admin_url) is False else None
    return time.monotonic() if row == (True,) else None


def _watch_promotion(url: str, killed_at: float, promoted: list[float], given_up: threading.Event) -> None:
    def out_of_recovery() -> bool:
        if given_up.is_set():
            return True
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=2, options=HARNESS_OPTIONS) as conn:
                return conn.execute("SELECT pg_is_in_recovery()").fetchone() == (False,)
        except psycopg.Error:
            return False

    reached, _ = wait_for(out_of_recovery, max(0.0, killed_at + PROMOTE_BOUND_S - time.monotonic()))
    if reached and not given_up.is_set():
        promoted.append(time.monotonic() - killed_at)


def _count_missing(rec: Record, node2: LocalPostgres, acked: set[int]) -> None:
    """The acknowledged ids node2 does not have (replay given a moment when node2 is still a standby)."""
    present: set[int] = set()

    def read() -> bool:
        try:
            with psycopg.connect(node2.admin_url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as c:
                rows = c.execute(sql.SQL("SELECT id FROM {}").format(sql.Identifier("public", client.TABLE))).fetchall()
        except psycopg.Error as exc:
            rec.unread = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return False
        rec.unread = ""
        present.clear()
        present.update(int(str(r[0])) for r in rows)
        return acked <= present

    # A promoted node2 has replayed all it will ever have; a standby still replaying gets a moment.
    wait_for(read, 0.0 if rec.primary_at is not None else 10.0)
    rec.missing = sorted(acked - present) if not rec.unread else []


def _rejoin(rec: Record, ctx: CheckContext, node1: LocalPostgres, node2: LocalPostgres, data1: Path, inode: int,
            password: str, conninfo: str, login: client.Login, ids: itertools.count[int],
            reaper: Reaper) -> None:
    try:
        text = read_inside(ctx.app.project_dir, REJOIN, servers.SCRIPT_BYTES)
    except (OSError, OutsideProject) as exc:
        rec.rejoin_problem = f"the project has no readable {REJOIN} ({exc})"
        return
    home = servers.home_for(data1, "rejoin")
    rec.rejoin = servers.run_script(REJOIN, text, home, _env(
        node1, OLD_PRIMARY_DATA=str(data1), OLD_PRIMARY_NAME=NODE1, NEW_PRIMARY_HOST="127.0.0.1",
        NEW_PRIMARY_PORT=str(node2.port), REPLICATION_USER=REPLICATION_USER,
        PGPASSFILE=str(_passfile(home, password))), REJOIN_BUDGET_S, reaper)
    if not rec.rejoin.ok:
        return
    with contextlib.suppress(OSError):
        rec.rewound_in_place = False
        rec.rewound_in_place = _anchor_file_inode(data1, node2) == inode
    rejoined = servers.Rejoined(node1, data1, SERVER_OPTIONS, reaper)
    try:
        try:
            rejoined.start(STREAMING_S)
        except ServiceError as exc:
            rec.rejoin_problem = f"node1 did not start from its rewound folder: {exc.message}"
            rec.node1_log = exc.log_tail
            return
        started = time.monotonic()
        in_recovery = _in_recovery(rejoined.admin_url)
        if in_recovery is False:
            rec.rejoin_problem = "node1 started as a primary again (pg_is_in_recovery() is false on it): there " \
                                 "is no standby.signal in its folder"
        elif wait_for(lambda: _streams_to(node2, NODE1), STREAMING_S)[0]:
            rec.rejoined_streaming_s = time.monotonic() - started
            if conninfo:
                rec.after_rejoin = client.write_once(client.fill(conninfo, rejoined.port, node2.port), login,
                                                     next(ids))
        else:
            rec.rejoin_problem = f"node1 does not stream from node2 as {NODE1!r} {STREAMING_S:.0f} s after it started"
        rec.node1_log = rejoined.log_tail(15)
    finally:
        rejoined.stop()


def _anchor_file_inode(data1: Path, node2: LocalPostgres) -> int:
    with psycopg.connect(node2.admin_url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
        row = conn.execute("SELECT pg_relation_filepath(%s)", (f"public.{ANCHOR}",)).fetchone()
    assert row is not None
    return os.stat(data1 / str(row[0])).st_ino


def _in_recovery(url: str) -> bool | None:
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
            row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
    except psycopg.OperationalError as exc:
        return True if "hot standby mode is disabled" in str(exc).lower() else None
    return bool(row and row[0])


def _streams_to(node2: LocalPostgres, name: str) -> bool:
    with psycopg.connect(node2.admin_url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
        return conn.execute("SELECT 1 FROM pg_stat_replication WHERE application_name = %s AND state = 'streaming'",
                            (name,)).fetchone() is not None
