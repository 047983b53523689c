"""PostgreSQL introspection over the harness's own superuser connection.

Statements are read from pg_stat_statements filtered to the app's role and database,
so the harness's own queries never count. pg_stat_statements normalises constants to
$n, so it cannot tell a literal from a bound parameter: checks compare statement
*shapes*, never look for literals.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

_MIGRATION_TABLE = re.compile(
    r"migration|schema_version|flyway_schema_history|alembic_version|changelog|knex_migrations",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Statement:
    queryid: int
    query: str
    calls: int
    rows: int
    blocks: int  # shared buffers hit + read: how much data the statement touched

    def minus(self, earlier: Statement | None) -> Statement:
        if earlier is None:
            return self
        return Statement(self.queryid, self.query, self.calls - earlier.calls,
                         self.rows - earlier.rows, self.blocks - earlier.blocks)


def shape(query: str) -> str:
    """Whitespace-folded normalised text: what 'the same statement' means across queryids."""
    return " ".join(query.split())


class PgProbe:
    """The harness's connection to the app's database, as superuser."""

    def __init__(self, admin_dsn: str, *, app_role: str, app_database: str) -> None:
        self.app_role = app_role
        self.app_database = app_database
        self._dsn = admin_dsn
        self._lock = threading.Lock()
        self._conn = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=10,
                                     options="-c statement_timeout=60000")
        row = self._conn.execute(
            "SELECT (SELECT oid FROM pg_roles WHERE rolname = %s), "
            "(SELECT oid FROM pg_database WHERE datname = %s)",
            (app_role, app_database),
        ).fetchone()
        assert row is not None
        self._role_oid, self._db_oid = row
        version = self._conn.execute("SHOW server_version").fetchone()
        self.server_version = str(version[0]) if version else "?"

    # -- plain queries ---------------------------------------------------------------
    def rows(self, query: str | sql.Composed, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(query, params).fetchall()

    def scalar(self, query: str | sql.Composed, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        found = self.rows(query, params)
        return found[0][0] if found else None

    def execute(self, query: str | sql.Composed, params: Sequence[Any] | Mapping[str, Any] = ()) -> None:
        with self._lock:
            self._conn.execute(query, params)

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self._lock, self._conn.transaction():
            yield self._conn

    # -- pg_stat_statements ------------------------------------------------------------
    def has_pg_stat_statements(self) -> bool:
        return bool(self.scalar("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'"))

    def statements(self) -> dict[int, Statement]:
        found = self.rows(
            "SELECT queryid, query, calls, rows, shared_blks_hit + shared_blks_read "
            "FROM pg_stat_statements WHERE userid = %s AND dbid = %s AND queryid IS NOT NULL",
            (self._role_oid, self._db_oid),
        )
        out: dict[int, Statement] = {}
        for queryid, query, calls, nrows, blocks in found:
            out[int(queryid)] = Statement(int(queryid), str(query), int(calls), int(nrows), int(blocks))
        return out

    @staticmethod
    def delta(before: Mapping[int, Statement], after: Mapping[int, Statement]) -> list[Statement]:
        """Statements that ran between two snapshots, with the counts of that window only."""
        changed = []
        for queryid, stmt in after.items():
            diff = stmt.minus(before.get(queryid))
            if diff.calls > 0:
                changed.append(diff)
        return sorted(changed, key=lambda s: -s.calls)

    # -- activity ------------------------------------------------------------------------
    def app_backends(self) -> set[tuple[int, str]]:
        """(pid, backend_start) of every connection the app holds now: identifies a connection."""
        return {(int(pid), str(start)) for pid, start in self.rows(
            "SELECT pid, backend_start FROM pg_stat_activity WHERE usename = %s AND datname = %s "
            "AND backend_type = 'client backend'",
            (self.app_role, self.app_database),
        )}

    def app_busy(self) -> int:
        """The app's connections running a statement or holding a transaction open."""
        return int(self.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND datname = %s "
            "AND backend_type = 'client backend' AND state IN ('active', 'idle in transaction')",
            (self.app_role, self.app_database),
        ))

    def app_connections(self) -> int:
        return int(self.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND datname = %s "
            "AND backend_type = 'client backend'",
            (self.app_role, self.app_database),
        ))

    # -- catalog -------------------------------------------------------------------------
    def tables(self) -> list[str]:
        return [r[0] for r in self.rows(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r','p') AND n.nspname NOT IN ('pg_catalog','information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%%' ORDER BY 1"
        )]

    def has_table(self, name: str) -> bool:
        return name in self.tables()

    def migration_tables(self) -> list[str]:
        return [t for t in self.tables() if _MIGRATION_TABLE.search(t)]

    def heap_blocks(self, table: str) -> int:
        return int(self.scalar("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int",
                               (table,)))

    def count(self, table: str, where: str = "TRUE", params: Sequence[Any] = ()) -> int:
        query = sql.SQL("SELECT count(*) FROM {} WHERE ").format(sql.Identifier(table)) + sql.SQL(where)
        return int(self.scalar(query, params))

    def schema_snapshot(self) -> dict[str, Any]:
        """Tables, columns, indexes, constraints and row counts: what a migration can change."""
        columns = self.rows(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog','information_schema') "
            "ORDER BY 1, 2"
        )
        indexes = self.rows(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1, 2"
        )
        constraints = self.rows(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) "
            "ORDER BY 1, 2"
        )
        counts = {t: self.count(t) for t in self.tables()}
        return {
            "columns": [list(map(str, r)) for r in columns],
            "indexes": [list(map(str, r)) for r in indexes],
            "constraints": [list(map(str, r)) for r in constraints],
            "row_counts": counts,
        }

    def explain(self, query: str, params: Sequence[Any] = ()) -> Any:
        return self.scalar("EXPLAIN (FORMAT JSON) " + query, params)

    def close(self) -> None:
        self._conn.close()
