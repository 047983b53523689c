"""The run's dataset in the run's database, loaded once, readable by a role that can write nothing.

The harness's work login (a member of the database owner's role) creates and fills the
tables. Learners' queries run as the read login, which holds no right on anything the
database owns until SELECT on these four tables is granted to it here: no INSERT, UPDATE,
DELETE, TRUNCATE or CREATE anywhere, whatever a query tries.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from psycopg import sql

from harness.registry import CheckContext
from harness.services.pg_access import role_names

from .dataset import SCHEMA, TABLES, build


@dataclass(frozen=True)
class Loaded:
    seed: int
    readonly_dsn: str  # the read login: SELECT on the dataset, nothing else of the database's


_lock = threading.Lock()
_loaded: dict[str, Loaded] = {}  # run id -> its dataset (one database per run)


def ensure(ctx: CheckContext) -> Loaded:
    """The dataset for this run's seed, loaded by the first check that asks."""
    with _lock:
        found = _loaded.get(ctx.run_id)
        if found is not None:
            return found
        dataset = build(ctx.seed)
        reader = role_names(ctx.pg.app_role)[2]
        with ctx.pg.transaction() as conn:
            conn.execute(SCHEMA)
            for table, columns in TABLES.items():
                statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
                with conn.cursor().copy(statement) as copy:
                    for row in dataset.tables[table]:
                        copy.write_row(row)
                conn.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(sql.Identifier(table), sql.Identifier(reader)))
        ctx.pg.analyze()
        _loaded[ctx.run_id] = found = Loaded(ctx.seed, ctx.pg.readonly_dsn)
        return found
