"""The optimization lab's machinery: a million events, the slow queries measured before the
learner's migrations, the migrations applied, and each query measured again in the same run.

Figures are ratios of the same query's median over several runs, before and after, on the
same server in the same run: never an absolute time, which would measure the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
from dataclasses import dataclass
from typing import Any

import psycopg

from harness.outcomes import Failure
from harness.registry import CheckContext
from harness.runner.confined import OutsideProject, read_inside

ROWS = 1_000_000
RUNS = 5  # runs per measurement; the median is kept
EVENTS_COLUMNS = """(
  id          bigint PRIMARY KEY,
  order_ref   text NOT NULL,
  user_id     integer NOT NULL,
  status      text NOT NULL,
  amount      numeric(10,2) NOT NULL,
  created_at  timestamptz NOT NULL
);
"""


def events_table(*, unlogged: bool = False) -> str:
    """The CREATE TABLE of events: UNLOGGED in a check's throwaway database, logged in the
    script a learner reruns by hand (a table they keep should survive a crash)."""
    return f"CREATE {'UNLOGGED ' if unlogged else ''}TABLE events {EVENTS_COLUMNS}"


# Deterministic for a seed: setseed, and one process (no parallel workers) drawing random()
# in id order. Rows arrive in id order, created_at at random: a day's rows are spread over
# the whole table, as in a table that is not clustered by time. Two events at exactly midnight,
# May 1st and 2nd: a day's range that includes its end (BETWEEN) takes the second.
FILL = f"""
INSERT INTO events
SELECT g, 'R' || lpad(g::text, 7, '0'), 1 + floor(random() * 100000)::int,
       CASE WHEN random() < 0.0005 THEN 'failed' WHEN random() < 0.1 THEN 'refunded' ELSE 'paid' END,
       round((1 + random() * 500)::numeric, 2),
       timestamptz '2022-01-01 00:00+00' + random() * interval '1095 days'
FROM generate_series(1, {ROWS}) AS g
ORDER BY g;
UPDATE events SET created_at = timestamptz '2024-05-01 00:00+00' WHERE id = 4001;
UPDATE events SET created_at = timestamptz '2024-05-02 00:00+00' WHERE id = 4002
"""


@dataclass(frozen=True)
class Measure:
    plan: dict[str, Any]  # the last run's plan tree
    median_ms: float
    blocks: int  # shared buffers hit + read, the whole plan

    @property
    def nodes(self) -> list[dict[str, Any]]:
        found, pending = [], [self.plan]
        while pending:
            node = pending.pop()
            found.append(node)
            pending += node.get("Plans", [])
        return found


@dataclass
class State:
    before: dict[str, Measure]
    problem: str | None = None


_lock = threading.Lock()
_states: dict[str, State] = {}


def measure(conn: psycopg.Connection[Any], query: str) -> Measure:
    times, plan, blocks = [], {}, 0
    for _ in range(RUNS):
        row = conn.execute(("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)\n" + query).encode()).fetchone()
        doc = row[0][0] if row else {}
        times.append(float(doc.get("Execution Time", 0.0)))
        plan = doc.get("Plan", {})
        blocks = int(plan.get("Shared Hit Blocks", 0)) + int(plan.get("Shared Read Blocks", 0))
    return Measure(plan, statistics.median(times), blocks)


def ensure(ctx: CheckContext, slow: dict[str, str]) -> State:
    """The events loaded, the slow queries measured, then the learner's migrations applied (once per run)."""
    with _lock:
        state = _states.get(ctx.run_id)
        if state is None:
            state = _states[ctx.run_id] = _prepare(ctx, slow)
    if state.problem is not None:
        raise Failure(state.problem,
                      hint="Each file of migrations/ must run, in name order, on the lab's events table.",
                      reproduce="psql -v ON_ERROR_STOP=1 -d scratch -f migrations/<file>.sql")
    return state


def _prepare(ctx: CheckContext, slow: dict[str, str]) -> State:
    fraction = (ctx.seed % 1_000_000) / 1_000_000  # setseed takes a number in [-1, 1]
    with ctx.pg.transaction() as conn:
        # UNLOGGED in the run's throwaway database: the million rows and the learner's indexes
        # write no WAL (half the fill's time on 2 busy cores, and less for each index build).
        # Plans, buffers and rows are those of a logged table: the planner and the buffer counts
        # do not look at persistence, and VACUUM keeps the visibility map an index-only scan reads.
        conn.execute(events_table(unlogged=True))
        conn.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        conn.execute("SELECT setseed(%s)", (fraction,))
        for statement in FILL.split(";"):
            conn.execute(statement)
    ctx.pg.execute("VACUUM (ANALYZE) events")
    with ctx.pg.transaction() as conn:
        before = {name: measure(conn, query) for name, query in slow.items()}
    state = State(before)
    try:
        migrations = sorted(p.name for p in (ctx.app.project_dir / "migrations").glob("*.sql"))
    except OSError:
        migrations = []
    if not migrations:
        state.problem = "migrations/ holds no .sql file: the indexes go there (migrations/001_indexes.sql)"
        return state
    for name in migrations:
        try:
            text = read_inside(ctx.app.project_dir, f"migrations/{name}", 256 * 1024)
            with ctx.pg.transaction() as conn:
                conn.execute(text.encode())
        except (OutsideProject, OSError) as exc:
            state.problem = f"migrations/{name} could not be read: {exc}"
            return state
        except psycopg.Error as exc:
            state.problem = f"migrations/{name} failed (SQLSTATE {exc.sqlstate}): {str(exc).strip().splitlines()[0]}"
            return state
    # Fresh statistics and a visibility map, as after any migration in production: an
    # index-only scan needs the second.
    ctx.pg.execute("VACUUM (ANALYZE) events")
    return state


def script(seed: int) -> str:
    """The events of a seed as a psql script (what a check run built, to rerun a query on)."""
    fraction = (seed % 1_000_000) / 1_000_000
    return (f"BEGIN;\n{events_table()}SET LOCAL max_parallel_workers_per_gather = 0;\nSELECT setseed({fraction});\n"
            f"{FILL};\nCOMMIT;\nVACUUM (ANALYZE) events;\n")


def reproduce(seed: int, file: str) -> str:
    return (f"python -m harness.validators.sql.tuning --seed {seed} | psql -q -d scratch && "
            f"for m in migrations/*.sql; do psql -q -d scratch -f $m; done && psql -d scratch -c 'VACUUM ANALYZE' && "
            f"psql -d scratch -c \"EXPLAIN (ANALYZE, BUFFERS) $(cat {file})\"")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the optimization lab's events for a seed as a psql script.")
    parser.add_argument("--seed", type=int, required=True, help="the seed a check run printed")
    args = parser.parse_args(argv)
    sys.stdout.write(script(args.seed))
    return 0


def read_query(ctx: CheckContext, file: str) -> str:
    try:
        return read_inside(ctx.app.project_dir, file, 256 * 1024)
    except FileNotFoundError:
        raise Failure(f"{file} is missing", hint=f"Keep the lab's query in {file} (rewritten or as given).") from None
    except (OutsideProject, OSError) as exc:
        raise Failure(f"{file} could not be read: {exc}") from None


if __name__ == "__main__":
    raise SystemExit(main())
