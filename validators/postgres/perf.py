"""postgres/week-22's checks: the top report statements faster, pgbench's TPS up, no statement
regressed, every rewrite returning the given statement's rows.

Every figure is a ratio of the same statement (or workload) before and after the learner's
changes, measured on one server in one run (validators/postgres/perf_lab.py): never a time in
milliseconds, which would measure the machine. Where time is noisy on a busy machine, the work
done per call (buffers from pg_stat_statements, the same parameter values on both sides) stands
beside it.
"""

from __future__ import annotations

from typing import Any

from harness.outcomes import Failure, Passed, Skip
from harness.registry import CheckContext, check

from . import shop_workload as shop
from .perf_lab import (
    PGBENCH_CLIENTS,
    PGBENCH_SECONDS,
    RUN_AGAIN,
    TOP,
    TOP_BLOCKS_FACTOR,
    TOP_TIME_FACTOR,
    Measured,
    Side,
    Stat,
    measured,
    top_reports,
)

# pgbench's TPS after / before. The reference: 60-90x (the workload's lookups read a few pages
# instead of whole tables); one lookup left reading a whole table: 3-7x.
TPS_FACTOR = 10.0
# A regression: a statement that does this many times the work per call (deterministic), or takes
# this many times as long (generous: the before side's statements share the cores with whole-table
# scans, so a fast statement is slower there, not faster).
REGRESSION_BLOCKS = 1.5
REGRESSION_TIME = 3.0


def _ratio(before: float, after: float) -> float:
    return before / max(after, 1e-6)


def _again(check_id: str, seed: int) -> str:
    return RUN_AGAIN.format(check=check_id) + f" --seed {seed}"


def _short(query: str, width: int = 90) -> str:
    text = " ".join(query.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _per_call(name: str, before: Stat, after: Stat) -> dict[str, Any]:
    return {"statement": name, "calls_before": before.calls, "calls_after": after.calls,
            "time_per_call_ratio": round(_ratio(before.mean_ms, after.mean_ms), 2),
            "blocks_per_call_before": round(before.blocks_per_call, 1),
            "blocks_per_call_after": round(after.blocks_per_call, 1),
            "blocks_per_call_ratio": round(_ratio(before.blocks_per_call, after.blocks_per_call), 2)}


def _line(row: dict[str, Any]) -> str:
    return (f"{row['statement']}: {row['time_per_call_ratio']:g}x faster per call, buffers per call "
            f"{row['blocks_per_call_before']:g} -> {row['blocks_per_call_after']:g} "
            f"({row['blocks_per_call_ratio']:g}x fewer)")


@check("pg.perf.top_statements", points=3, needs_app=False, timeout_s=240)
def top_statements(ctx: CheckContext) -> Passed:
    """The two reports that did the most work are 5x faster and read 4x fewer buffers per call.

    Ranked by the buffers each read in all (pg_stat_statements, the report run before your changes:
    calls x buffers per call, the order total time gives on a quiet machine, which a busy moment
    cannot change); each one's time and buffers per call compared with the same report (or your
    rewrite) after."""
    result, after = measured(ctx, "pg.perf.top_statements")
    rows, slow = [], []
    for name in top_reports(result.before):
        row = _per_call(name, result.before.reports[name], after.reports[name])
        row["plan_before"] = ", ".join(result.before.plans[name].nodes)
        row["plan_after"] = ", ".join(after.plans[name].nodes)
        row["rows_examined_before"] = result.before.plans[name].examined
        row["rows_examined_after"] = after.plans[name].examined
        rows.append(row)
        if row["time_per_call_ratio"] < TOP_TIME_FACTOR or row["blocks_per_call_ratio"] < TOP_BLOCKS_FACTOR:
            slow.append(row)
    figures = {"top": rows, "time_factor": TOP_TIME_FACTOR, "blocks_factor": TOP_BLOCKS_FACTOR}
    shown = "\n".join(f"{_line(r)}; rows examined {r['rows_examined_before']} -> {r['rows_examined_after']}; plan "
                      f"{r['plan_before']} -> {r['plan_after']}" for r in rows)
    if slow:
        names = ", ".join(r["statement"] for r in slow)
        raise Failure(f"not enough faster: {names}",
                      expected=f"each of the top {TOP} report statements (by buffers read in all before) at least "
                               f"{TOP_TIME_FACTOR:g}x faster per call and {TOP_BLOCKS_FACTOR:g}x fewer buffers",
                      actual=shown, figures=figures,
                      hint="Read each one's plan (EXPLAIN (ANALYZE, BUFFERS) with the README's psql line): a Seq "
                           "Scan that keeps few rows wants an index on the column it filters, and a filter on an "
                           "expression of the column (created_at::date) wants a rewrite on the column itself "
                           "(rewrites/<name>.sql).",
                      reproduce=_again("pg.perf.top_statements", result.seed))
    return Passed(shown, figures=figures)


@check("pg.perf.tps", points=2, needs_app=False, timeout_s=240)
def tps(ctx: CheckContext) -> Passed:
    """pgbench's TPS on the shop's workload is at least 10x what it was before your changes.

    The same script, clients, duration and random seed on both sides."""
    result, after = measured(ctx, "pg.perf.tps")
    before = result.before
    ratio = after.tps / before.tps if before.tps else 0.0
    # The statement that still takes the most time after the changes first: the one to look at.
    rows = [_per_call(_short(stat.query), stat, after.workload[q])
            for q, stat in sorted(before.workload.items(), key=lambda item: -after.workload[item[0]].total_ms)]
    figures = {"tps_before": round(before.tps, 1), "tps_after": round(after.tps, 1), "tps_ratio": round(ratio, 2),
               "factor": TPS_FACTOR, "statements": rows}
    shown = (f"{before.tps:.0f} -> {after.tps:.0f} tps ({ratio:.1f}x), pgbench {PGBENCH_CLIENTS} clients x "
             f"{PGBENCH_SECONDS} s on each side, "
             f"{before.transactions} and {after.transactions} transactions")
    if ratio < TPS_FACTOR:
        raise Failure(f"pgbench's TPS rose {ratio:.1f}x, less than {TPS_FACTOR:g}x",
                      expected=f"at least {TPS_FACTOR:g}x the TPS of the same workload before your changes",
                      actual=shown + "\n" + "\n".join(_line(r) for r in rows), figures=figures,
                      hint="The statement that still takes most of each transaction is first above: compare what "
                           "it filters on with the indexes you made (an index on email cannot serve "
                           "lower(email) = ...; a composite index serves a filter on its first column).",
                      reproduce=_again("pg.perf.tps", result.seed))
    return Passed(shown, figures=figures)


def _changed(result: Measured, what: str) -> None:
    if not result.changed:
        raise Skip(f"nothing to compare: indexes.sql made no index, no rewrite differs from the given statement and "
                   f"conf.d sets nothing ({what})")


def regressions(result: Measured, after: Side) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every statement measured on both sides, and those that regressed."""
    rows = [_per_call(name, result.before.reports[name], after.reports[name]) for name in after.reports]
    rows += [_per_call(_short(stat.query), stat, after.workload[q])
             for q, stat in result.before.workload.items() if q in after.workload]
    worse = [r for r in rows if r["blocks_per_call_ratio"] <= 1 / REGRESSION_BLOCKS
             or r["time_per_call_ratio"] <= 1 / REGRESSION_TIME]
    return rows, worse


@check("pg.perf.no_regression", points=2, needs_app=False, timeout_s=240)
def no_regression(ctx: CheckContext) -> Passed:
    """No statement reads 1.5x the buffers, or takes 3x the time, per call that it did before.

    Every statement of the pgbench workload and every report; the HOT updates of orders are shown."""
    result, after = measured(ctx, "pg.perf.no_regression")
    _changed(result, "pg.perf.no_regression")
    rows, worse = regressions(result, after)
    hot_before, hot_after = result.before.hot_updates, after.hot_updates
    hot = (f"HOT updates of orders during pgbench: {_share(hot_before)} before, {_share(hot_after)} after")
    figures = {"statements": rows, "blocks_bound": REGRESSION_BLOCKS, "time_bound": REGRESSION_TIME,
               "hot_updates_before": list(hot_before), "hot_updates_after": list(hot_after)}
    if worse:
        names = ", ".join(r["statement"] for r in worse)
        raise Failure(f"regressed after your changes: {names}",
                      expected=f"no statement with {REGRESSION_BLOCKS:g}x the buffers per call, or "
                               f"{REGRESSION_TIME:g}x the time per call, of before",
                      actual="\n".join(
                          f"{r['statement']}: buffers per call {r['blocks_per_call_before']:g} -> "
                          f"{r['blocks_per_call_after']:g}, {_slower(r):.2f}x the time per call"
                          for r in worse) + "\n" + hot, figures=figures,
                      hint="Every index is paid for on every write: an UPDATE that changes an indexed column (a key "
                           "or an INCLUDE column, or one a partial index's WHERE reads) cannot be a HOT update and "
                           "inserts into every index of the table. Keep the columns the workload updates out of "
                           "your indexes; check each rewrite's plan.",
                      reproduce=_again("pg.perf.no_regression", result.seed))
    return Passed(f"{len(rows)} statements, none regressed; {hot}", figures=figures)


def _slower(row: dict[str, Any]) -> float:
    return 1 / max(float(row["time_per_call_ratio"]), 1e-6)


def _share(counts: tuple[int, int] | list[int]) -> str:
    hot, total = counts
    return f"{hot}/{total}" + (f" ({100 * hot / total:.0f}%)" if total else "")


@check("pg.perf.same_results", points=2, needs_app=False, timeout_s=240)
def same_results(ctx: CheckContext) -> Passed:
    """Each rewrite in rewrites/ returns the same rows as the statement it replaces.

    For every parameter set of the run, compared as a multiset (order aside)."""
    result, _after = measured(ctx, "pg.perf.same_results")
    if not result.rewritten:
        raise Skip("no rewrite to compare: every rewrites/<name>.sql is the statement as given")
    figures = {"rewrites": result.rewritten, "parameter_sets": shop.PARAMETER_SETS,
               "mismatches": [m.report for m in result.mismatches]}
    if result.mismatches:
        first = result.mismatches[0]
        variables = shop.psql_variables(first.values)
        raise Failure(f"rewrites/{first.report}.sql returns other rows than the given statement: {first.message}",
                      expected="the given statement's rows (as a multiset: order aside)",
                      actual="; ".join(f"{m.report} with {shop.psql_variables(m.values)}: {m.message}"
                                       for m in result.mismatches), figures=figures,
                      hint="A rewrite changes how the rows are found, never which: mind the edges of a range "
                           "(BETWEEN includes its upper end; a day is [day, day + 1)).",
                      reproduce=f"python -m harness.validators.postgres.shop_workload --seed {result.seed} | psql -q "
                                f"-d shop && psql -d shop {variables} -f rewrites/{first.report}.sql")
    return Passed(f"{len(result.rewritten)} rewrite(s), the same rows for {shop.PARAMETER_SETS} parameter sets each: "
                  + ", ".join(result.rewritten), figures=figures)
