"""PostgreSQL introspection over the harness's own logins to the app's database.

Two connections, neither a superuser (harness/services/pg_access.py says why):
- stats: pg_read_all_stats; pg_stat_statements, pg_stat_activity and the catalog, with
  search_path pg_catalog, pg_temp, so no name or operator the app created is visible;
- work: a member of the app's role, with the app's search_path; everything that touches
  the app's tables (seeding, counting, reading rows, EXPLAIN). Code the app planted there
  (a trigger on a seeded table, a view, an operator) runs with the app's rights.

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

from harness.introspect.pg_errors import refused
from harness.outcomes import Failure
from harness.services.pg_access import SAFE_OPTIONS, SAFE_PATH, STATS_SCHEMA

_MIGRATION_TABLE = re.compile(
    r"migration|schema_version|flyway_schema_history|alembic_version|changelog|knex_migrations",
    re.IGNORECASE,
)
_TIMEOUT = "-c statement_timeout=60000"
# The app's own tables: not the system's, not the harness's statistics schema.
_APP_NAMESPACE = ("n.nspname NOT IN ('pg_catalog', 'information_schema', '" + STATS_SCHEMA + "') "
                  "AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp\\_%%'")

Params = Sequence[Any] | Mapping[str, Any]


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


def _search_path(conn: psycopg.Connection[Any]) -> str:
    row = conn.execute("SHOW search_path").fetchone()
    return ", ".join(part.strip() for part in str(row[0] if row else "").split(","))


def connect_stats(dsn: str) -> psycopg.Connection[Any]:
    """The stats login, pinned to the system catalog before its first statement runs."""
    conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10, options=f"{SAFE_OPTIONS} {_TIMEOUT}")
    if _search_path(conn) != SAFE_PATH:
        conn.close()
        raise RuntimeError(f"the stats connection's search_path is not {SAFE_PATH}")
    return conn


def connect_work(dsn: str, app_role: str) -> psycopg.Connection[Any]:
    """The work login with the app's default search_path ("$user" meaning the app's role, not ours)."""
    conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10, options=f"{SAFE_OPTIONS} {_TIMEOUT}")
    conn.execute(sql.SQL("SET search_path TO {}, public").format(sql.Identifier(app_role)))
    row = conn.execute("SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user").fetchone()
    shown = _search_path(conn)
    if row is None or row[0] or shown.replace('"', "") != f"{app_role}, public":
        conn.close()
        raise RuntimeError("the work connection must be a non-superuser with the app's search_path, "
                           f"got superuser={row[0] if row else '?'}, search_path {shown}")
    return conn


class PgProbe:
    """The harness's view into the app's database: statistics, catalog, and the app's rows."""

    def __init__(self, stats_dsn: str, work_dsn: str, *, app_role: str, app_database: str,
                 read_dsn: str) -> None:
        self.app_role = app_role
        self.app_database = app_database
        # The read login holds no right on anything the app's role owns, nor the stats login's
        # view of other sessions: the sql track's checks grant it SELECT on their dataset and
        # run the learner's queries as it.
        self.readonly_dsn = read_dsn
        self._lock = threading.Lock()
        self._stats = connect_stats(stats_dsn)
        try:
            self._work = connect_work(work_dsn, app_role)
        except BaseException:
            self._stats.close()
            raise
        row = self._stats.execute(
            "SELECT (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = %s), "
            "(SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = %s), "
            "pg_catalog.current_setting('server_version')",
            (app_role, app_database),
        ).fetchone()
        assert row is not None
        self._role_oid, self._db_oid, version = row
        self.server_version = str(version)
        self.statements_problem = self._find_statements()

    def _find_statements(self) -> str | None:
        """None when pg_stat_statements can be trusted, else why not. Read once, before the
        app runs: only a superuser can move the extension afterwards."""
        row = self._stats.execute(
            "SELECT n.nspname, r.rolsuper FROM pg_catalog.pg_extension e "
            "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
            "JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner WHERE e.extname = 'pg_stat_statements'"
        ).fetchone()
        if row is None:
            return "pg_stat_statements is not available in the app's database"
        if row[0] != STATS_SCHEMA or not row[1]:
            # The app could replace what a schema of its own holds with a view that lies.
            return f"pg_stat_statements is installed in schema {row[0]}, which the app's role can change"
        return None

    # -- the app's rows, with the app's rights -----------------------------------------
    def _work_execute(self, query: str | sql.SQL | sql.Composed, params: Params, fetch: bool) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                cursor = self._work.execute(query, params)
                return cursor.fetchall() if fetch else []
            except psycopg.Error as exc:
                failure = refused(exc, query, self._work)
                if failure is not None:
                    raise failure from None
                raise

    def rows(self, query: str | sql.SQL | sql.Composed, params: Params = ()) -> list[tuple[Any, ...]]:
        return self._work_execute(query, params, fetch=True)

    def scalar(self, query: str | sql.SQL | sql.Composed, params: Params = ()) -> Any:
        found = self.rows(query, params)
        return found[0][0] if found else None

    def execute(self, query: str | sql.SQL | sql.Composed, params: Params = ()) -> None:
        self._work_execute(query, params, fetch=False)

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self._lock, self._work.transaction():
            yield self._work

    def relation(self, table: str) -> int | None:
        """The oid of `table` as the app's search_path resolves it (None: there is none)."""
        found = self.scalar("SELECT pg_catalog.to_regclass(%s::pg_catalog.text)::pg_catalog.oid", (table,))
        return int(found) if found is not None else None

    def count(self, table: str, where: str = "TRUE", params: Sequence[Any] = ()) -> int:
        query = sql.SQL("SELECT pg_catalog.count(*) FROM {} WHERE ").format(sql.Identifier(table)) + sql.SQL(where)
        return int(self.scalar(query, params))

    def heap_blocks(self, table: str) -> int:
        return int(self.scalar(
            "SELECT pg_catalog.pg_relation_size(%s::pg_catalog.regclass) "
            "OPERATOR(pg_catalog./) pg_catalog.current_setting('block_size')::pg_catalog.int8", (table,)))

    def analyze(self) -> None:
        """Fresh planner statistics for every table of the app's."""
        tables = self.qualified_tables()
        if tables:
            self.execute(sql.SQL("ANALYZE ") + sql.SQL(", ").join(
                sql.Identifier(schema, name) for schema, name in tables))

    def explain(self, query: str, params: Sequence[Any] = ()) -> Any:
        return self.scalar("EXPLAIN (FORMAT JSON) " + query, params)

    # -- the catalog, where nothing of the app's resolves ------------------------------
    def catalog_rows(self, query: str | sql.SQL | sql.Composed, params: Params = ()) -> list[tuple[Any, ...]]:
        """A catalog query on the stats connection (search_path pg_catalog, pg_temp)."""
        with self._lock:
            return self._stats.execute(query, params).fetchall()

    def qualified_tables(self) -> list[tuple[str, str]]:
        """(schema, table) of the app's tables."""
        return [(str(s), str(t)) for s, t in self.catalog_rows(
            "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE c.relkind IN ('r', 'p') AND {_APP_NAMESPACE} ORDER BY 2, 1"
        )]

    def tables(self) -> list[str]:
        return sorted({name for _, name in self.qualified_tables()})

    def migration_tables(self) -> list[str]:
        return [t for t in self.tables() if _MIGRATION_TABLE.search(t)]

    def schema_snapshot(self) -> dict[str, Any]:
        """Tables, columns, indexes, constraints and row counts: what a migration can change."""
        columns = self.catalog_rows(
            "SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
            "CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END, "
            "COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') "
            "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            f"WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
            f"AND {_APP_NAMESPACE} ORDER BY 1, 2"
        )
        indexes = self.catalog_rows(
            "SELECT c.relname, i.relname, pg_catalog.pg_get_indexdef(i.oid) FROM pg_catalog.pg_index x "
            "JOIN pg_catalog.pg_class c ON c.oid = x.indrelid JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
            f"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE {_APP_NAMESPACE} ORDER BY 1, 2"
        )
        constraints = self.catalog_rows(
            "SELECT COALESCE(c.relname, '-'), k.conname, pg_catalog.pg_get_constraintdef(k.oid) "
            "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace "
            f"LEFT JOIN pg_catalog.pg_class c ON c.oid = k.conrelid WHERE {_APP_NAMESPACE} ORDER BY 1, 2"
        )
        return {
            "columns": [list(map(str, r)) for r in columns],
            "indexes": [list(map(str, r)) for r in indexes],
            "constraints": [list(map(str, r)) for r in constraints],
            "row_counts": self._row_counts(),
        }

    def _row_counts(self) -> dict[str, int]:
        """Rows per table, -1 for a table the app's rights cannot count: a snapshot is taken
        between migration runs, where a refusal must not stop the run."""
        counts = {}
        for schema, table in self.qualified_tables():
            key = table if schema == "public" else f"{schema}.{table}"
            try:
                counts[key] = int(self.scalar(
                    sql.SQL("SELECT pg_catalog.count(*) FROM {}").format(sql.Identifier(schema, table))))
            except (psycopg.Error, Failure):  # a trigger, a policy, a revoked grant: the app's doing
                counts[key] = -1
        return counts

    # -- pg_stat_statements ------------------------------------------------------------
    def has_pg_stat_statements(self) -> bool:
        return self.statements_problem is None

    def statements(self) -> dict[int, Statement]:
        found = self.catalog_rows(
            sql.SQL("SELECT s.queryid, s.query, s.calls, s.rows, s.shared_blks_hit + s.shared_blks_read "
                    "FROM {}.pg_stat_statements s WHERE s.userid = %s::pg_catalog.oid "
                    "AND s.dbid = %s::pg_catalog.oid AND s.queryid IS NOT NULL").format(sql.Identifier(STATS_SCHEMA)),
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
    _APP_BACKENDS = ("FROM pg_catalog.pg_stat_activity a WHERE a.usename = %s AND a.datname = %s "
                     "AND a.backend_type = 'client backend'")

    def app_backends(self) -> set[tuple[int, str]]:
        """(pid, backend_start) of every connection the app holds now: identifies a connection."""
        return {(int(pid), str(start)) for pid, start in self.catalog_rows(
            "SELECT a.pid, a.backend_start " + self._APP_BACKENDS, (self.app_role, self.app_database))}

    def app_busy(self) -> int:
        """The app's connections running a statement or holding a transaction open."""
        return int(self.catalog_rows(
            "SELECT pg_catalog.count(*) " + self._APP_BACKENDS + " AND a.state IN ('active', 'idle in transaction')",
            (self.app_role, self.app_database))[0][0])

    def app_connections(self) -> int:
        return int(self.catalog_rows("SELECT pg_catalog.count(*) " + self._APP_BACKENDS,
                                     (self.app_role, self.app_database))[0][0])

    def close(self) -> None:
        self._stats.close()
        self._work.close()
