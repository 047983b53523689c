"""One task of a sql lab: the learner's file, run on the run's dataset and judged against the harness's answer."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from harness.outcomes import Failure
from harness.registry import CheckContext
from harness.runner.confined import OutsideProject, read_inside

from .compare import (
    SortKey,
    display_order,
    first_marked,
    in_order_around,
    normalized,
    order_broken,
    reorder,
    rows_differ,
    sorted_by,
    table,
)
from .dataset_load import ensure
from .run import QueryFailed, Result, plan_nodes, run
from .types import ASKED, FAMILIES, hint, wrong_types

MAX_BYTES = 256 * 1024
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Task:
    file: str  # e.g. "queries/03_march_orders.sql", relative to the project
    columns: tuple[str, ...]  # as the task names them
    answer: str  # the harness's own SQL for the same question
    order: tuple[SortKey, ...] = ()  # empty: the task asks for no order
    # Plan nodes the learner's query must have, for a task about a feature (a window function's
    # WindowAgg, a recursive CTE's Recursive Union): with what it is for, said when it is missing.
    plan: tuple[tuple[str, str], ...] = ()
    # Columns whose type the task names (a family of types.FAMILIES): ("year", "integer").
    types: tuple[tuple[str, str], ...] = ()
    # What most likely keeps this task's query running past statement_timeout, when the generic
    # causes (a cross join, a subquery per row) are not: a recursion that never ends, say.
    slow_hint: str = ""

    def __post_init__(self) -> None:
        for column, family in self.types:
            if column not in self.columns or family not in FAMILIES:
                raise ValueError(f"{self.file}: a type for {column!r} ({family!r}) names no column or family")


def reproduce(seed: int, file: str) -> str:
    database = f"shop_{seed}"
    return (f"python -m harness.validators.sql.dataset --seed {seed} > {database}.sql && createdb {database} && "
            f"psql -q -d {database} -f {database}.sql && PGOPTIONS='-c TimeZone=UTC' psql -d {database} -f {file}")


def _read(ctx: CheckContext, task: Task) -> str:
    try:
        text = read_inside(ctx.app.project_dir, task.file, MAX_BYTES)
    except FileNotFoundError:
        raise Failure(f"{task.file} is missing", hint=f"Write this task's SELECT in {task.file} "
                      "(one file per task, named as the README lists them).") from None
    except (OutsideProject, OSError) as exc:
        raise Failure(f"{task.file} could not be read: {exc}",
                      hint="Keep each task's file inside the project's queries/ folder, as a plain file.") from None
    if not _COMMENT.sub("", text).strip().strip(";").strip():
        raise Failure(f"{task.file} holds no query yet", hint="Write one SELECT statement in it.")
    return text


def judge(ctx: CheckContext, task: Task) -> None:
    query = _read(ctx, task)  # first: a missing file needs no dataset to fail
    loaded = ensure(ctx)
    again = reproduce(loaded.seed, task.file)
    try:
        got = run(loaded.readonly_dsn, query)
    except QueryFailed as exc:
        hint = task.slow_hint if exc.timed_out and task.slow_hint else exc.hint
        raise Failure(f"{task.file}: {exc.reason}", hint=hint, reproduce=again) from None
    want = run(loaded.readonly_dsn, task.answer)
    _columns(task, got, again)
    if got.truncated:
        raise Failure(f"{task.file}: the query returned more than {len(got.rows)} rows; the answer has "
                      f"{len(want.rows)}", hint="A join without its condition multiplies rows.", reproduce=again)
    rows = reorder(got, task.columns)
    expected = reorder(want, task.columns)
    diff = rows_differ(expected, rows)
    if task.order:  # the harness's answer in the task's order; the learner's as it came
        expected = sorted_by(expected, task.columns, task.order)
    else:
        expected, rows = display_order(expected), display_order(rows)
    seed = f"dataset seed {loaded.seed} (not the README's sample: an answer that depends on the sample's values fails)"
    if diff is not None:
        raise Failure(
            f"{task.file}: {diff.message}",
            expected=_shown(task, expected, diff.missing, "-"),
            actual=_shown(task, rows, diff.extra, "+"),
            hint=f"Rows marked - are missing from your result, rows marked + should not be in it; {seed}.",
            reproduce=again,
        )
    _types(task, got, again)
    _plan(task, loaded.readonly_dsn, query, again)
    broken = order_broken(rows, task.columns, task.order) if task.order else None
    if broken is not None:
        words = ", ".join(f"{k.column} {'descending' if k.descending else 'ascending'}" for k in task.order)
        marked = Counter([normalized(rows[broken])])
        skipped = max(0, broken - 3)
        raise Failure(
            f"{task.file}: the rows are right but not in the order the task asks: {words} "
            f"(row {broken + 1} is out of place)",
            actual=table(task.columns, rows[skipped:], marked, ">", len(rows), skipped=skipped),
            hint=f"Add ORDER BY {', '.join(k.column + (' DESC' if k.descending else '') for k in task.order)}; "
                 f"rows that tie on it may come in any order. {seed[0].upper()}{seed[1:]}.",
            reproduce=again,
        )


def _shown(task: Task, rows: list[tuple[Any, ...]], marked: list[tuple[Any, ...]], mark: str) -> str:
    """One side of a difference: an ordered result in its order around the first marked row, any
    other with its marked rows first (both sides are sorted alike for reading)."""
    if task.order:
        skipped, window = in_order_around(rows, marked)
        return table(task.columns, window, Counter(marked), mark, len(rows), skipped=skipped)
    return table(task.columns, first_marked(rows, marked), Counter(marked), mark, len(rows))


def _types(task: Task, got: Result, again: str) -> None:
    wrong = wrong_types(task.types, got.columns, got.types)
    if wrong:
        said = "; ".join(f"{w.column} is {w.got} where the task asks for {ASKED[w.wanted]}" for w in wrong)
        raise Failure(f"{task.file}: the rows are right, but the types are not: {said}",
                      expected=", ".join(f"{w.column} {w.wanted}" for w in wrong),
                      actual=", ".join(f"{w.column} {w.got}" for w in wrong), hint=hint(wrong), reproduce=again)


def _plan(task: Task, dsn: str, query: str, again: str) -> None:
    if not task.plan:
        return
    nodes = plan_nodes(dsn, query)
    for node, feature in task.plan:
        if node not in nodes:
            raise Failure(f"{task.file}: the rows are right, but the plan has no {node} node: this task is about "
                          f"{feature}", expected=f"a plan with {node}", actual=", ".join(sorted(nodes)),
                          hint=f"Write it with {feature}; EXPLAIN shows the plan.", reproduce=again)


def _columns(task: Task, got: Result, again: str) -> None:
    names = list(got.columns)
    if sorted(names) == sorted(task.columns):
        return
    duplicated = sorted({n for n in names if names.count(n) > 1})
    missing = [c for c in task.columns if c not in names]
    extra = [n for n in names if n not in task.columns]
    detail = "; ".join(part for part in (
        f"missing: {', '.join(missing)}" if missing else "",
        f"not asked for: {', '.join(extra)}" if extra else "",
        f"named twice: {', '.join(duplicated)}" if duplicated else "",
    ) if part)
    raise Failure(f"{task.file}: the result's columns are not the task's ({detail})",
                  expected=", ".join(task.columns), actual=", ".join(names),
                  hint="Name each column as the task does, with AS where it is computed "
                       "(COUNT(*) AS orders).", reproduce=again)
