"""Optimization (sql/week-17): each slow query's plan leaves the sequential scan, and its buffers
and median time drop by the stated factors, measured before and after the learner's migrations
in the same run; its rows stay the same; no index is a duplicate or never used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .compare import rows_differ
from .tuning import RUNS, Measure, State, ensure, measure, read_query, reproduce


@dataclass(frozen=True)
class Target:
    file: str
    slow: str  # the query as the lab gives it, measured before the migrations
    blocks_factor: float  # buffers before / after at least this
    time_factor: float  # median time before / after at least this


TARGETS = {
    "lookup": Target("queries/01_order_lookup.sql",
                     "SELECT id, user_id, amount, created_at FROM events WHERE order_ref = 'R0424242'", 50, 5),
    "sargable": Target("queries/02_day_report.sql",
                       "SELECT id, amount FROM events WHERE date(created_at AT TIME ZONE 'UTC') = DATE '2024-05-01'",
                       4, 2),
    "partial": Target("queries/03_failed_payments.sql",
                      "SELECT id, order_ref, amount FROM events WHERE status = 'failed'", 4, 2),
    "covering": Target("queries/04_user_totals.sql",
                       "SELECT user_id, sum(amount) AS total FROM events WHERE user_id BETWEEN 5000 AND 5200 "
                       "GROUP BY user_id", 4, 2),
}
SLOW = {name: target.slow for name, target in TARGETS.items()}


def _after(ctx: CheckContext, target: Target) -> tuple[State, Measure, str]:
    state = ensure(ctx, SLOW)
    query = read_query(ctx, target.file)
    with ctx.pg.transaction() as conn:
        conn.execute("SET TRANSACTION READ ONLY")
        try:
            after = measure(conn, query)
            got = conn.execute(query.encode()).fetchall()
            want = conn.execute(target.slow.encode()).fetchall()
        except Exception as exc:
            raise Failure(f"{target.file} failed: {str(exc).strip().splitlines()[0]}",
                          hint="Keep one SELECT in the file.", reproduce=reproduce(ctx.seed, target.file)) from None
    diff = rows_differ(want, got)
    if diff is not None:
        raise Failure(f"{target.file}: the rewritten query's rows differ from the original's: {diff.message}",
                      hint="A rewrite must return exactly what the given query returns.",
                      reproduce=reproduce(ctx.seed, target.file))
    return state, after, query


def _judge(ctx: CheckContext, name: str, needs: str, ok: Any) -> None:
    target = TARGETS[name]
    state, after, _query = _after(ctx, target)
    before = state.before[name]
    scans = [n for n in after.nodes if n.get("Relation Name") == "events"]
    kinds = sorted({str(n.get("Node Type")) for n in scans})
    figures = (f"buffers {before.blocks} -> {after.blocks}, median {before.median_ms:.2f} ms -> "
               f"{after.median_ms:.2f} ms over {RUNS} runs each, in this run")
    again = reproduce(ctx.seed, target.file)
    if not scans or any(n.get("Node Type") == "Seq Scan" for n in scans) or not ok(scans):
        raise Failure(f"{target.file}: the plan reads events with {', '.join(kinds) or 'nothing'}; expected {needs}",
                      expected=needs, actual=figures, hint="Add the index this query needs in migrations/, and "
                      "rewrite the query where its WHERE hides the column from any index.", reproduce=again)
    blocks = before.blocks / max(after.blocks, 1)
    speed = before.median_ms / max(after.median_ms, 0.001)
    if blocks < target.blocks_factor or speed < target.time_factor:
        raise Failure(f"{target.file}: not enough faster: buffers {blocks:.1f}x fewer (at least "
                      f"{target.blocks_factor:g}x), time {speed:.1f}x less (at least {target.time_factor:g}x)",
                      actual=figures, hint="An index that matches the WHERE exactly reads a few pages.",
                      reproduce=again)


@check("sql.optimize.lookup", services=["postgres"], needs_app=False, timeout_s=240)
def lookup(ctx: CheckContext) -> None:
    """01: one order by its reference: an index scan instead of reading a million rows."""
    _judge(ctx, "lookup", "an index scan on order_ref", lambda scans: True)


@check("sql.optimize.sargable", services=["postgres"], needs_app=False, timeout_s=240)
def sargable(ctx: CheckContext) -> None:
    """02: one day's events: the WHERE rewritten as a range an index on created_at can serve."""
    # An index on the WHERE's expression (date(created_at AT TIME ZONE 'UTC')) serves this one query
    # too, but the task is the sargable rewrite: a range on the column itself, which a plain index on
    # created_at serves, as it serves every other range on it.
    _judge(ctx, "sargable", "a scan of an index on created_at itself (the WHERE a half-open range on the column, "
           "not an index on an expression of it)", lambda scans: _first_key_is(ctx, scans, "created_at"))


# The index lookups read the catalog on the harness's stats login (search_path pg_catalog, pg_temp):
# no operator the learner's migrations created can answer for `=` or ANY there.
def _used(scans: list[dict[str, Any]]) -> list[str]:
    """The indexes the plan's scans of events read (a bitmap heap scan names them in its children)."""
    names = [str(n["Index Name"]) for n in scans if "Index Name" in n]
    return names + [str(c["Index Name"]) for n in scans for c in n.get("Plans", []) if "Index Name" in c]


def _first_key_is(ctx: CheckContext, scans: list[dict[str, Any]], column: str) -> bool:
    names = _used(scans)
    return bool(names) and bool(ctx.pg.catalog_rows(
        "SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
        "WHERE c.relname = ANY(%s) AND a.attname = %s", (names, column)))


def _partial(ctx: CheckContext, scans: list[dict[str, Any]]) -> bool:
    names = _used(scans)
    if not names:
        return False
    partial = ctx.pg.catalog_rows("SELECT c.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c "
                                  "ON c.oid = i.indexrelid WHERE i.indpred IS NOT NULL AND c.relname = ANY(%s)",
                                  (names,))
    return bool(partial)


@check("sql.optimize.partial", services=["postgres"], needs_app=False, timeout_s=240)
def partial(ctx: CheckContext) -> None:
    """03: the rare failed payments: a partial index (WHERE status = 'failed'), not one over every row."""
    _judge(ctx, "partial", "a scan of a partial index (CREATE INDEX ... WHERE status = 'failed')",
           lambda scans: _partial(ctx, scans))


@check("sql.optimize.covering", services=["postgres"], needs_app=False, timeout_s=240)
def covering(ctx: CheckContext) -> None:
    """04: totals for a range of users: an index-only scan of a covering index (INCLUDE (amount))."""
    _judge(ctx, "covering", "an Index Only Scan (an index on user_id that INCLUDEs amount)",
           lambda scans: any(n.get("Node Type") == "Index Only Scan" for n in scans))


@check("sql.optimize.no_waste", services=["postgres"], needs_app=False, timeout_s=240)
def no_waste(ctx: CheckContext) -> None:
    """No index on events duplicates another, and every one is used by the lab's queries."""
    ensure(ctx, SLOW)
    with ctx.pg.transaction() as conn:  # the workload: each of the learner's queries once
        conn.execute("SET TRANSACTION READ ONLY")
        for target in TARGETS.values():
            conn.execute(read_query(ctx, target.file).encode()).fetchall()
    ctx.pg.execute("SELECT pg_catalog.pg_stat_force_next_flush()")
    ctx.pg.execute("SELECT 1")  # the flush happens at the end of a statement
    rows = ctx.pg.rows(
        "SELECT c.relname, i.indkey::text, coalesce(pg_catalog.pg_get_expr(i.indexprs, i.indrelid), ''), "
        "coalesce(pg_catalog.pg_get_expr(i.indpred, i.indrelid), ''), i.indisprimary, "
        "pg_catalog.pg_stat_get_numscans(i.indexrelid) "
        "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = 'events'::regclass")
    problems = []
    seen: dict[tuple[str, str, str], str] = {}
    for name, keys, exprs, pred, primary, scans in rows:
        same = seen.get((keys, exprs, pred))
        if same is not None:
            problems.append(f"{name} duplicates {same} (the same key columns)")
        seen[(keys, exprs, pred)] = name
        if not primary and int(scans) == 0:
            problems.append(f"{name} was never used by the lab's queries")
    if problems:
        raise Failure("an index costs every write and serves nothing: " + "; ".join(problems),
                      actual="\n".join(problems), hint="Drop the duplicate or unused index in a migration.",
                      reproduce="psql -d scratch -c 'SELECT indexrelname, idx_scan FROM pg_stat_user_indexes'")
