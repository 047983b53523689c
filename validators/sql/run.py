"""Running one SELECT as the read-only login: a transaction of its own, rolled back, with a time limit.

Each file gets a new connection and a READ ONLY transaction that is rolled back, so nothing
one task's file does (a SET, a temporary object) reaches another's. The statement is sent
with the extended protocol, which accepts exactly one statement: `SELECT 1; DELETE ...`
is refused by the server before anything runs (a prepared statement holds one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import errors

TIMEOUT_MS = 10_000  # a task's query reads a few thousand rows: far beyond any honest answer
MAX_ROWS = 10_000  # more than any task's answer; a cross join is cut here rather than filling memory
OPTIONS = (f"-c search_path=public -c TimeZone=UTC -c statement_timeout={TIMEOUT_MS} -c DateStyle=ISO "
           "-c default_transaction_read_only=on")


@dataclass(frozen=True)
class Result:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    truncated: bool  # more than MAX_ROWS rows came back
    types: tuple[int, ...] = ()  # each column's type OID, in the result's order


class QueryFailed(Exception):
    """Why a query gave no result: its words, for the learner."""

    def __init__(self, reason: str, *, hint: str, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint
        self.timed_out = timed_out  # statement_timeout: a task may know the likelier cause (Task.slow_hint)


def run(dsn: str, query: str) -> Result:
    with psycopg.connect(dsn, connect_timeout=10, options=OPTIONS) as conn:
        conn.read_only = True
        try:
            with conn.cursor() as cursor:
                # Prepared: the server parses exactly one statement (without it psycopg sends the
                # text as a simple query, which runs every statement in it). Bytes, so no '%' in
                # the learner's text is ever taken for a placeholder.
                cursor.execute(query.encode(), prepare=True)
                if cursor.description is None:
                    raise QueryFailed("the file's statement returned no rows at all: it is not a SELECT",
                                      hint="Each file holds one SELECT (or WITH ... SELECT) statement.")
                columns = tuple(c.name for c in cursor.description)
                types = tuple(c.type_code for c in cursor.description)
                rows = cursor.fetchmany(MAX_ROWS + 1)
            return Result(columns, rows[:MAX_ROWS], len(rows) > MAX_ROWS, types)
        except (errors.ReadOnlySqlTransaction, errors.InsufficientPrivilege) as exc:
            raise QueryFailed(f"the query tried to change the database: {_first(exc)}",
                              hint="A task's file only reads: one SELECT, no INSERT/UPDATE/DELETE/CREATE.") from None
        except errors.QueryCanceled:
            raise QueryFailed(f"the query ran past the limit of {TIMEOUT_MS // 1000} s (statement_timeout)",
                              hint="Look for a join without its ON condition (a cross join) or a subquery "
                                   "that runs once per row of a large table.", timed_out=True) from None
        except errors.SyntaxError as exc:
            if "multiple commands" in str(exc) or "cannot insert multiple commands" in str(exc):
                raise QueryFailed("the file holds more than one statement",
                                  hint="Keep one SELECT per file; remove the others.") from None
            raise QueryFailed(f"PostgreSQL rejected the query: {_first(exc)}",
                              hint="Run the file with psql (the reproduce line) to see where.") from None
        except psycopg.Error as exc:
            if isinstance(exc, psycopg.OperationalError) and exc.sqlstate is None:
                raise  # the connection itself broke: not the learner's query
            state = f" (SQLSTATE {exc.sqlstate})" if exc.sqlstate else ""
            raise QueryFailed(f"PostgreSQL rejected the query{state}: {_first(exc)}",
                              hint="Run the file with psql (the reproduce line) to see the whole error.") from None
        finally:
            conn.rollback()


def plan_nodes(dsn: str, query: str) -> set[str]:
    """The node types of the query's plan (EXPLAIN, not run): WindowAgg, Recursive Union, ..."""
    with psycopg.connect(dsn, connect_timeout=10, options=OPTIONS) as conn:
        conn.read_only = True
        try:
            # A newline first: a line comment at the end of the file must not swallow EXPLAIN's own text.
            row = conn.execute(("EXPLAIN (FORMAT JSON)\n" + query).encode(), prepare=True).fetchone()
        finally:
            conn.rollback()
    found: set[str] = set()
    pending = list(row[0]) if row else []
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if "Node Type" in node:
                found.add(str(node["Node Type"]))
            pending += [v for v in node.values() if isinstance(v, dict | list)]
        elif isinstance(node, list):
            pending += node
    return found


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
