"""When the app's database refuses the harness's own work, the learner is told why.

The harness reads and seeds the app's tables with the app's rights (introspect/pg.py), so
whatever the app put on them runs: a trigger that raises or tries to take rights it does
not have, a row-level policy, a rule, a grant revoked from its own role. That is the
submission's doing and a failure of the check that needed the rows, never a harness crash.
A query that fails without any of the app's code in the way is still a harness bug.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from harness.outcomes import Failure

_PRIVILEGE = "42501"  # insufficient_privilege: the app's own rights were not enough


def refused(exc: psycopg.Error, query: str | sql.Composable, conn: psycopg.Connection[Any]) -> Failure | None:
    """A Failure naming what refused `query`, or None when no code or grant of the app's did."""
    context = (exc.diag.context or "").strip()
    if exc.sqlstate != _PRIVILEGE and not context:
        return None
    try:
        text = query if isinstance(query, str) else query.as_string(conn)
    except psycopg.Error:
        text = repr(query)
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    where = f"\nwhere: {context}" if context else ""
    return Failure(
        f"the database refused the harness's own query: {first}",
        expected="the app's tables can be read and written with the app's own rights",
        actual=f"{first}{where}",
        hint="The harness reads and seeds your tables with your app's role, through a login of its own. A "
             "trigger, rule or row-level policy of yours raised an error or tried something your role may "
             "not do (or your migrations revoked your role's rights): make it leave ordinary reads and "
             "writes alone.",
        evidence=f"query: {' '.join(text.split())[:400]}",
        reproduce="psql \"$DATABASE_URL\" -c '\\dft+'  # your triggers and functions",
    )
