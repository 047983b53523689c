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

Its parts: failover_record.py (names, bounds, the record), failover_servers.py (the servers and
the learner's scripts), failover_client.py (the writers), failover_promote.py (whether and when
node2 was promoted) and failover_rejoin.py (node1 back as a standby). Under `harness grade` the
servers and scripts run in the submission's jail instead (failover_graded.py, failover_jail.py);
from the two streaming servers on, the scenario is the same code (scenario(), through an Ops).
"""

from __future__ import annotations

import itertools
import os
import secrets
import threading
import time
from collections.abc import Mapping
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
from harness.services.postgres import start_local

from . import failover_client as client
from . import failover_promote as promote
from . import failover_rejoin as rejoining
from . import failover_servers as servers
from .conf import ConfFile, ConfRefused, lay_out, read_conf
from .failover_record import (
    ANCHOR,
    CONNECT_GRACE_S,
    FAILOVER,
    FAILOVER_BUDGET_S,
    FROZEN_S,
    LOAD_COMMITS,
    LOAD_S,
    NODE2,
    PROMOTE_BOUND_S,
    REPLICATION_USER,
    RESUME_BOUND_S,
    SERVER_OPTIONS,
    SETUP,
    SETUP_BUDGET_S,
    SETUP_OPTIONS,
    STREAMING_S,
    WRITERS,
    Node,
    Ops,
    Record,
    SetupFailed,
    admin,
    passfile,
    passfile_line,
    script_env,
)
from .replica_pair import wait_for
from .server import HARNESS_OPTIONS

_lock = threading.Lock()
_records: dict[str, Record] = {}


def record(ctx: CheckContext) -> Record:
    """The run's scenario (run by the first check that asks)."""
    with _lock:
        found = _records.get(ctx.run_id)
        if found is None:
            try:
                found = _run(ctx)
            except CannotCheck as exc:  # the harness's own failure: said once, by every check
                found = Record(cannot=exc)
            _records[ctx.run_id] = found
    if found.cannot is not None:
        raise found.cannot
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
    if users.grading():  # harness grade: the submission's jail (failover_jail.py)
        from . import failover_graded  # it imports this module: a cycle, broken here

        try:
            failover_graded.scenario(ctx, rec, conf, setup, failover, conninfo)
        except SetupFailed as exc:
            rec.problem = exc
        return rec
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


def prepare_node1(url: str, password: str, writer_password: str) -> None:
    verifier = sql.Literal(pg_template.scram_verifier(password))
    with admin(url) as conn:
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


def _with_servers(ctx: CheckContext, rec: Record, conf: list[ConfFile], setup: str, failover: str,
                  conninfo: str, reaper: Reaper) -> None:
    settings = ServiceSettings(mode=Mode.LOCAL, run_id=ctx.run_id, reaper=reaper, server_image=ctx.server_image)
    try:
        node1 = start_local(settings, options=SERVER_OPTIONS, prepare=partial(_lay_out, conf))
    except (EnvironmentProblem, ServiceError) as exc:
        log = getattr(exc, "log_tail", "")
        raise SetupFailed(f"node1 did not start with your conf.d: {exc.message}",
                          "The server's log below names the setting it refused.", log) from None
    try:
        with admin(node1.admin_url) as conn:  # the learner's synchronous_standby_names from here on
            conn.execute("ALTER SYSTEM RESET synchronous_standby_names")
            conn.execute("SELECT pg_reload_conf()")
        password, writer_password = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
        prepare_node1(node1.admin_url, password, writer_password)
        data1 = servers.data_folder(node1.admin_url, SETUP_OPTIONS)
        inode = os.stat(data1 / rejoining.anchor_path(node1.admin_url)).st_ino
        superuser = unquote(urlsplit(node1.admin_url).password or "")
        script: dict[str, servers.ScriptRun] = {}
        folders: dict[str, Path] = {}

        def build(data: Path) -> Mapping[str, str]:
            folders["data"] = data
            home = data.parent
            users.give(home, users.current())
            users.give(data, users.current())
            env = script_env(node1, PRIMARY_HOST="127.0.0.1", PRIMARY_PORT=str(node1.port),
                             REPLICATION_USER=REPLICATION_USER, PGPASSFILE=str(passfile(home, password)),
                             STANDBY_DATA=str(data), STANDBY_NAME=NODE2)
            run = script["setup"] = servers.run_script(SETUP, setup, home, env, SETUP_BUDGET_S, reaper, node1)
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
            ops = servers.CheckOps(node1, data1, folders["data"], passfile_line(password), SERVER_OPTIONS, reaper)
            scenario(rec, ctx, node1, node2, ops, inode, writer_password, failover, conninfo)
        finally:
            node2.stop()
    finally:
        node1.stop()


def _walsender(node1: Node) -> tuple[int, str] | None:
    with admin(node1.admin_url) as conn:
        row = conn.execute("SELECT pid, sync_state FROM pg_stat_replication WHERE state = 'streaming' "
                           "AND application_name = %s", (NODE2,)).fetchone()
    return (int(row[0]), str(row[1])) if row else None  # type: ignore[call-overload]


def scenario(rec: Record, ctx: CheckContext, node1: Node, node2: Node, ops: Ops, inode: int | None,
             writer_password: str, failover: str, conninfo: str) -> None:
    """From two streaming servers to the end: the load, the kill, failover.sh, the client, rejoin.sh."""
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
    ops.freeze(sender)  # nothing more reaches node2 from here
    frozen_at = time.monotonic()
    time.sleep(FROZEN_S)
    ops.kill_node1()
    killed_at = time.monotonic()
    load.finish(10.0)
    rec.acked_frozen = len(acked.after(frozen_at))

    resume = None
    if conninfo:
        resume = client.Resume(client.fill(conninfo, rec.node1_port, node2.port), login, acked, ids,
                               killed_at + PROMOTE_BOUND_S + promote.HARNESS_PROMOTE_S + RESUME_BOUND_S)
        resume.start()
    promoted: list[float] = []
    given_up = threading.Event()
    watcher = threading.Thread(target=promote.watch, daemon=True,
                               args=(node2.admin_url, killed_at, PROMOTE_BOUND_S, promoted, given_up))
    watcher.start()
    rec.failover = ops.script(FAILOVER, failover, {"STANDBY_HOST": "127.0.0.1", "STANDBY_PORT": str(node2.port),
                                                   "STANDBY_DATA": str(ops.data2)}, FAILOVER_BUDGET_S)
    # failover.sh has exited and its processes are gone: when it asked for no promotion, none
    # will come, and the bound need not be waited out (failover_promote.py).
    bound = killed_at + PROMOTE_BOUND_S
    if watcher.is_alive() and promote.never_requested(node2, ops.promote_requested, bound):
        rec.never_asked = True
        given_up.set()
    watcher.join(max(0.0, bound - time.monotonic()) + 1.0)
    rec.promoted_s = promoted[0] if promoted else None
    rec.primary_at = killed_at + rec.promoted_s if rec.promoted_s is not None else promote.promote_as_harness(node2)
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
        rejoining.rejoin(rec, ctx, ops, node2, inode, conninfo, login, ids)


def _count_missing(rec: Record, node2: Node, acked: set[int]) -> None:
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


