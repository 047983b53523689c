"""pg.autovacuum.hot_table: autovacuum, under the learner's per-table settings, cleans a churned
hot table by itself (no manual VACUUM) within a deadline derived from their naptime.

The harness creates `hot_counters` (100,000 rows) in a database `shop` owned by a role `shop_owner`,
vacuums and analyzes it once while autovacuum is off for it (so that the load's inserts do not
start an autovacuum of their own), then runs the learner's autovacuum.sql as that owner and
updates 12,000 rows. At the per-table bounds (scale factor <= 0.05, threshold <= 1000) autovacuum
starts at 6,000 dead rows at most; at the defaults (0.2, 50) only past 20,050, which the churn
never reaches: the table is cleaned in time only because of the learner's settings.
"""

from __future__ import annotations

import secrets
import time

import psycopg
from psycopg import sql

from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .bounds import Bound, judge
from .server import RUN_AGAIN, LabServer, lab_server
from .sqlfile import SQL_FILE, read_sql

CHECK = "pg.autovacuum.hot_table"
TABLE, DATABASE, OWNER = "hot_counters", "shop", "shop_owner"
ROWS, CHURNED = 100_000, 12_000
MAX_SCALE_FACTOR, MAX_THRESHOLD = 0.05, 1000
NAPTIME = Bound("autovacuum_naptime", "seconds", 1, 15,
                "a hot OLTP table is visited often; it also keeps this check to seconds")
STATEMENT_TIMEOUT_MS = 10_000
REPRODUCE = RUN_AGAIN.format(check=CHECK)


@check(CHECK, points=2, needs_app=False, timeout_s=180)
def autovacuum_cleans_the_hot_table(ctx: CheckContext) -> None:
    """Autovacuum cleans a churned hot table under the per-table settings of autovacuum.sql."""
    script = read_sql(ctx.app.project_dir, CHECK)
    with lab_server(ctx, CHECK) as lab:
        found = judge(lab, [NAPTIME], CHECK, also=["autovacuum", "track_counts", "autovacuum_vacuum_threshold"],
                      hint="Set autovacuum_naptime in conf.d within the bounds.")
        off = [found[k].shown() for k in ("autovacuum", "track_counts") if found[k].setting != "on"]
        if off:
            raise Failure("autovacuum cannot run: " + "; ".join(off), expected="autovacuum = on, track_counts = on",
                          actual="; ".join(off), hint="Never turn autovacuum off: tune it per table instead.",
                          reproduce=REPRODUCE)
        password = _setup(lab)
        _run_learners(lab, password, script)
        trigger = _per_table_trigger(lab, float(found["autovacuum_vacuum_threshold"].setting))
        _churn_and_wait(lab, password, trigger, found[NAPTIME.name].seconds)


def _owner(lab: LabServer, password: str) -> psycopg.Connection[tuple[object, ...]]:
    url = lab.url.split("@", 1)[1].rsplit("/", 1)[0]
    return psycopg.connect(f"postgresql://{OWNER}:{password}@{url}/{DATABASE}", autocommit=True,
                           connect_timeout=10, options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}")


def _setup(lab: LabServer) -> str:
    password = secrets.token_hex(16)
    with lab.connect() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(OWNER), sql.Literal(password)))
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(DATABASE), sql.Identifier(OWNER)))
    with _owner(lab, password) as conn:
        conn.execute(f"CREATE TABLE {TABLE} (id int PRIMARY KEY, hits bigint NOT NULL DEFAULT 0, "
                     "updated_at timestamptz NOT NULL DEFAULT now()) WITH (autovacuum_enabled = off)")
        conn.execute(f"INSERT INTO {TABLE} (id) SELECT g FROM generate_series(1, {ROWS}) AS g")
    # The inserts count towards an insert-triggered autovacuum once their statistics arrive (when the
    # loading session ends); the VACUUM after them zeroes that count, so it must come after.
    _wait(lab, f"SELECT n_tup_ins >= {ROWS} FROM pg_stat_user_tables WHERE relid = 'public.{TABLE}'::regclass",
          30.0, "the load's statistics")
    with _owner(lab, password) as conn:
        conn.execute(f"VACUUM ANALYZE {TABLE}")
        conn.execute(f"ALTER TABLE {TABLE} RESET (autovacuum_enabled)")
    return password


def _wait(lab: LabServer, query: str, timeout_s: float, what: str) -> None:
    deadline, interval = time.monotonic() + timeout_s, 0.05
    while True:
        with lab.connect(DATABASE) as conn:
            row = conn.execute(query).fetchone()
        if row is not None and row[0]:
            return
        if time.monotonic() >= deadline:
            raise RuntimeError(f"{what} did not arrive within {timeout_s:.0f} s")
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)


def _run_learners(lab: LabServer, password: str, script: str) -> None:
    try:
        with _owner(lab, password) as conn:
            conn.execute(script.encode())
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise Failure(f"{SQL_FILE} failed as the table's owner: {first}",
                      expected=f"ALTER TABLE {TABLE} SET (autovacuum_vacuum_scale_factor = ..., ...)",
                      actual=first, hint=f"{SQL_FILE} runs as {OWNER} (the table's owner, not a superuser) in "
                                         f"database {DATABASE}: per-table storage parameters only.",
                      reproduce=f"psql -d {DATABASE} -U {OWNER} -f {SQL_FILE}") from None


def _per_table_trigger(lab: LabServer, global_threshold: float) -> float:
    with lab.connect(DATABASE) as conn:
        row = conn.execute("SELECT coalesce(reloptions, '{}'), reltuples FROM pg_class WHERE oid = %s::regclass",
                           (f"public.{TABLE}",)).fetchone()
    assert row is not None
    reloptions, reltuples = row
    assert isinstance(reloptions, list)
    options = dict(str(o).partition("=")[::2] for o in reloptions)
    shown = ", ".join(f"{k}={v}" for k, v in options.items()) or "none"
    wanted = (f"autovacuum_vacuum_scale_factor <= {MAX_SCALE_FACTOR} (at most {MAX_SCALE_FACTOR:.0%} of the rows dead "
              f"before a vacuum) and autovacuum_vacuum_threshold <= {MAX_THRESHOLD} on {TABLE}")
    hint = (f"In {SQL_FILE}: ALTER TABLE {TABLE} SET (autovacuum_vacuum_scale_factor = 0.01, "
            "autovacuum_vacuum_threshold = 500); the 0.2 default lets a hot table carry 20% dead rows.")
    problems = []
    if options.get("autovacuum_enabled", "true").lower() in ("false", "off", "0", "no"):
        problems.append("autovacuum_enabled=false turns autovacuum off for the table")
    if "autovacuum_vacuum_scale_factor" not in options:
        problems.append("no per-table autovacuum_vacuum_scale_factor")
    elif float(options["autovacuum_vacuum_scale_factor"]) > MAX_SCALE_FACTOR:
        problems.append(f"autovacuum_vacuum_scale_factor={options['autovacuum_vacuum_scale_factor']} is over "
                        f"{MAX_SCALE_FACTOR}")
    threshold = float(options.get("autovacuum_vacuum_threshold", global_threshold))
    if threshold > MAX_THRESHOLD:
        problems.append(f"the vacuum threshold {threshold:g} is over {MAX_THRESHOLD}")
    if problems:
        raise Failure(f"{TABLE}'s autovacuum settings: " + "; ".join(problems), expected=wanted,
                      actual=f"reloptions: {shown}", hint=hint,
                      reproduce=f"psql -d {DATABASE} -c \"SELECT reloptions FROM pg_class WHERE relname = '{TABLE}'\"")
    return threshold + float(options["autovacuum_vacuum_scale_factor"]) * max(float(str(reltuples)), 0.0)


def _churn_and_wait(lab: LabServer, password: str, trigger: float, naptime_s: float) -> None:
    with _owner(lab, password) as conn:
        conn.execute(f"UPDATE {TABLE} SET hits = hits + 1, updated_at = now() WHERE id <= {CHURNED}")
        row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    churned_at = row[0]
    # A launcher visits the database once per naptime; a vacuum of 100,000 rows takes well under a
    # second. Three naptimes and a minute are room for a busy machine; the wait ends when it is done.
    deadline_s = 3 * naptime_s + 60.0
    deadline, interval = time.monotonic() + deadline_s, 0.1
    query = ("SELECT n_dead_tup, autovacuum_count, vacuum_count, last_autovacuum, last_autovacuum >= %s "
             "FROM pg_stat_user_tables WHERE relid = %s::regclass")
    while True:
        with lab.connect(DATABASE) as conn:
            stats = conn.execute(query, (churned_at, f"public.{TABLE}")).fetchone()
        assert stats is not None
        dead, autovacuums, vacuums, last, after = stats
        if vacuums != 1:  # the harness's own, before the learner's settings
            raise Failure(f"{TABLE} was vacuumed by hand ({vacuums} manual VACUUMs counted, 1 is the harness's)",
                          expected="autovacuum alone cleans the table", actual=f"vacuum_count = {vacuums}",
                          hint=f"{SQL_FILE} sets per-table parameters; it runs no VACUUM.", reproduce=REPRODUCE)
        if after and int(str(dead)) <= trigger:
            return
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
        # A poll is one local connection and a row of statistics: every quarter second it costs
        # nothing, and the wait ends within a quarter second of the cleanup, not up to a second.
        interval = min(interval * 1.5, 0.25)
    raise Failure(f"autovacuum did not clean {TABLE} within {deadline_s:.0f} s of {CHURNED:,} updates",
                  expected=f"an autovacuum after the updates, leaving at most {trigger:.0f} dead rows "
                           "(the table's own threshold + scale factor x rows)",
                  actual=f"n_dead_tup = {dead}, autovacuum_count = {autovacuums}, last_autovacuum = {last}",
                  hint="Check that nothing in conf.d holds autovacuum back (autovacuum_max_workers, a large "
                       "autovacuum_vacuum_cost_delay) and that naptime is short.",
                  evidence=lab.log_tail(10) or None, reproduce=REPRODUCE)
