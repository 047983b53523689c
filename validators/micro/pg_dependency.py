"""PostgreSQL as the dependency of the microservices checks, for an app whose only upstream is
its database (lab param `dependency = "postgres"`).

An outage, for the app: its database refuses new connections (CONNECTION LIMIT 0, which the
app's role may set on the database it owns) and the app's open ones are ended. The server
keeps running for the harness's own sessions, which are already open. Requests held in flight:
the harness locks the app's tables (ACCESS EXCLUSIVE, in a transaction of the app's role), so
every query of the app on them waits; PostgreSQL's lock table counts the waiters.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
from psycopg import sql

from harness.outcomes import Failure
from harness.registry import CheckContext

# How long the harness's LOCK may wait for a session of the app that holds a table: an app
# between requests holds none.
LOCK_TIMEOUT = "5s"
# The lock is released by release(), or after this long whatever happens (a check that died).
HOLD_AT_MOST_S = 60.0


class Database:
    """The app's database, seen as a dependency that can go down and come back."""

    name = "PostgreSQL"

    def __init__(self, ctx: CheckContext) -> None:
        self._ctx = ctx
        self._limit_before: int | None = None  # the database's limit while the harness holds it at 0
        self.proxy = TableHold(ctx)  # what micro.shutdown.graceful holds requests with

    def _limit(self, connections: int) -> None:
        self._ctx.pg.execute(sql.SQL("ALTER DATABASE {} WITH CONNECTION LIMIT {}").format(
            sql.Identifier(self._ctx.pg.app_database), sql.Literal(connections)))

    def _connection_limit(self) -> int:
        return int(self._ctx.pg.catalog_rows(
            "SELECT d.datconnlimit FROM pg_catalog.pg_database d WHERE d.datname = %s",
            (self._ctx.pg.app_database,))[0][0])

    def kill(self) -> None:
        """The database goes away for the app: new connections refused, open ones ended.

        CONNECTION LIMIT 0 rather than ALLOW_CONNECTIONS false, which PostgreSQL refuses on the
        database the statement runs in; the app's role is no superuser, so the limit holds for it,
        and the harness's sessions are already open."""
        if self._limit_before is None:
            self._limit_before = self._connection_limit()
        self._limit(0)
        pg = self._ctx.pg
        for pid, _ in pg.app_backends():
            pg.execute("SELECT pg_catalog.pg_terminate_backend(%s)", (pid,))

    def start(self) -> float:
        self._limit(-1 if self._limit_before is None else self._limit_before)
        self._limit_before = None
        return 0.0

    def alive(self) -> bool:
        return self._limit_before is None and self._connection_limit() != 0


class TableHold:
    """Every query of the app on its tables waits while held: a lock of the harness's, taken in
    a thread of its own (the probe's transaction is a context) and released by release()."""

    def __init__(self, ctx: CheckContext) -> None:
        self._ctx = ctx
        self._release = threading.Event()
        self._locked = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: psycopg.Connection[Any] | None = None
        self._oids: list[int] = []
        self._error: BaseException | None = None

    def hold(self) -> None:
        self._release.clear()
        self._locked.clear()
        self._thread = threading.Thread(target=self._hold, name="pg-table-hold", daemon=True)
        self._thread.start()
        self._locked.wait(30.0)
        if self._error is not None:
            raise self._error
        if self._conn is None:
            raise RuntimeError("the harness's lock on the app's tables was not taken within 30 s")

    def _hold(self) -> None:
        pg = self._ctx.pg
        try:
            tables = pg.qualified_tables()
            if not tables:
                raise Failure("the app's database has no tables: GET requests have nothing to wait on",
                              hint="Run the migrations that create the app's tables (harness.toml migrate).")
            with pg.transaction() as conn:
                conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                try:
                    conn.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                        sql.SQL(", ").join(sql.Identifier(s, t) for s, t in tables)))
                except psycopg.errors.LockNotAvailable:
                    raise Failure(f"a table of the app's stayed in use for {LOCK_TIMEOUT} while the app had "
                                  "nothing to do", expected="no transaction of the app open between requests",
                                  hint="End every transaction in the request that began it.",
                                  reproduce="psql: SELECT pid, state, query FROM pg_stat_activity "
                                            "WHERE state = 'idle in transaction'") from None
                self._oids = [int(row[0]) for row in conn.execute(
                    "SELECT pg_catalog.unnest(%s::pg_catalog.regclass[])::pg_catalog.oid",
                    ([sql.Identifier(s, t).as_string(conn) for s, t in tables],)).fetchall()]
                self._conn = conn
                self._locked.set()
                self._release.wait(HOLD_AT_MOST_S)
                self._conn = None
        except BaseException as exc:  # handed to the check's thread by hold()
            self._error = exc
        finally:
            self._locked.set()

    @property
    def held(self) -> int:
        """The app's sessions waiting on the lock now: its requests held in flight."""
        conn = self._conn
        if conn is None:
            return 0
        row = conn.execute("SELECT pg_catalog.count(DISTINCT pid) FROM pg_catalog.pg_locks "
                           "WHERE NOT granted AND relation = ANY(%s)", (self._oids,)).fetchone()
        return int(row[0]) if row else 0

    def release(self) -> None:
        self._release.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(10.0)
