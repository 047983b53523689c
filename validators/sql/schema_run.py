"""A design lab's schema.sql, run once per run as the database owner's role, and probes against it.

The learner's DDL runs through the harness's work login (a member of the database owner's
role: exactly the rights an app of this database would have, never more). Each check then
probes inside a transaction that is rolled back, every statement in a savepoint of its own,
so one probe's row or error never reaches the next probe or the next check.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from harness.outcomes import Failure
from harness.registry import CheckContext
from harness.runner.confined import OutsideProject, read_inside

SCHEMA_FILE = "schema.sql"
_lock = threading.Lock()
_applied: dict[str, str | None] = {}  # run id -> None (applied) or why it could not be


def ensure(ctx: CheckContext) -> None:
    """schema.sql applied to this run's database, or a Failure saying why not (every check says the same)."""
    with _lock:
        if ctx.run_id not in _applied:
            _applied[ctx.run_id] = _apply(ctx)
        problem = _applied[ctx.run_id]
    if problem is not None:
        raise Failure(problem, hint="Fix schema.sql until `psql -v ON_ERROR_STOP=1 -f schema.sql` runs on an empty "
                                    "database; every check of this lab starts from it.",
                      reproduce="createdb scratch && psql -v ON_ERROR_STOP=1 -d scratch -f schema.sql")


def _apply(ctx: CheckContext) -> str | None:
    try:
        text = read_inside(ctx.app.project_dir, SCHEMA_FILE, 1024 * 1024)
    except FileNotFoundError:
        return f"{SCHEMA_FILE} is missing: the lab's tables are created from it"
    except (OutsideProject, OSError) as exc:
        return f"{SCHEMA_FILE} could not be read: {exc}"
    if not re.sub(r"--[^\n]*|/\*.*?\*/", "", text, flags=re.DOTALL).strip():
        return f"{SCHEMA_FILE} holds no statement yet: write the brief's tables in it"
    try:
        with ctx.pg.transaction() as conn:
            conn.execute(text.encode())  # no parameters: psycopg sends it whole, every statement of the file
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{SCHEMA_FILE} failed (SQLSTATE {exc.sqlstate}): {first}"
    return None


@dataclass(frozen=True)
class Probe:
    """One statement and what the schema should make of it: None = accepted, else the SQLSTATE."""

    what: str
    statement: str
    params: Sequence[Any] = ()
    refused_with: str | None = None


STATES = {"23505": "unique_violation", "23503": "foreign_key_violation", "23514": "check_violation",
          "23502": "not_null_violation", "23P01": "exclusion_violation"}


def _word(state: str | None) -> str:
    return "accepted" if state is None else f"refused with {state} ({STATES.get(state, 'error')})"


@contextmanager
def rolled_back(ctx: CheckContext) -> Iterator[psycopg.Connection[Any]]:
    """A transaction on the run's database that is always rolled back."""
    with ctx.pg.transaction() as conn:
        yield conn
        raise psycopg.Rollback()


def run_probes(conn: psycopg.Connection[Any], probes: Sequence[Probe]) -> list[str]:
    """Each probe in a savepoint; the lines of those whose outcome is not the expected one."""
    wrong = []
    for probe in probes:
        state: str | None = None
        detail = ""
        try:
            with conn.transaction():
                conn.execute(probe.statement, probe.params or None)
                if probe.refused_with is not None:
                    raise psycopg.Rollback()  # accepted where it should not be: keep nothing of it
        except psycopg.Error as exc:
            state = exc.sqlstate
            detail = f": {str(exc).strip().splitlines()[0]}" if str(exc).strip() else ""
        if state != probe.refused_with:
            wrong.append(f"{probe.what}: expected {_word(probe.refused_with)}, but it was {_word(state)}{detail}")
    return wrong


def require(wrong: list[str], message: str, hint: str, probes: Sequence[Probe]) -> None:
    if wrong:
        raise Failure(f"{message} ({len(wrong)} of {len(probes)} probes)", actual="\n".join(wrong),
                      expected="\n".join(f"{p.what}: {_word(p.refused_with)}" for p in probes), hint=hint,
                      reproduce="psql -v ON_ERROR_STOP=1 -d scratch -f schema.sql, then the statements above "
                                "(each in BEGIN ... ROLLBACK)")
