"""Migrations: versioned, and safe to run twice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.outcomes import Failure
from harness.registry import CheckContext, check


def schema_changes(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[str]:
    """What the second migrate run changed, in words a learner can act on."""
    changes = []
    for kind, noun in (("columns", "column"), ("indexes", "index"), ("constraints", "constraint")):
        before = {tuple(r) for r in first.get(kind, [])}
        after = {tuple(r) for r in second.get(kind, [])}
        changes += [f"added {noun}: {' '.join(r[:2])}" for r in sorted(after - before)]
        changes += [f"removed {noun}: {' '.join(r[:2])}" for r in sorted(before - after)]
    rows_before, rows_after = first.get("row_counts", {}), second.get("row_counts", {})
    for table in sorted(set(rows_before) | set(rows_after)):
        a, b = rows_before.get(table, 0), rows_after.get(table, 0)
        if a != b:
            changes.append(f"table {table}: {a} rows after the first run, {b} after the second")
    return changes


@check("db.migrations.versioned", points=2, services={"postgres"}, migrate_runs=2)
def migrations_are_versioned_and_rerunnable(ctx: CheckContext) -> None:
    """Migrations are versioned and a second run changes nothing.

    The harness runs the migrate command twice on a fresh database. The schema must come
    from versioned migrations (a table records which ones ran), and the second run must
    succeed without changing the schema or any row.
    """
    command = ctx.app.migrate_command
    if not command:
        raise Failure("harness.toml has no migrate command", expected="app.migrate = \"<your migrate command>\"",
                      hint="Add app.migrate to harness.toml: the command that applies your migrations.")
    runs = ctx.app.migrate_runs
    if len(runs) < 2:
        raise Failure("the migrate command did not run twice", expected="two runs", actual=f"{len(runs)} run(s)")
    first, second = runs[0], runs[1]
    if second.exit_code != 0:
        raise Failure(
            f"the second run of the migrate command failed (exit {second.exit_code}): migrations must be "
            "safe to run again", expected="exit code 0 on an already-migrated database",
            actual=second.log_tail or "(no output)",
            hint="Record applied versions in a table and skip them; never re-create what exists.",
            reproduce=f"{command} && {command}",
        )
    tables = ctx.pg.migration_tables()
    recorded = {t: ctx.pg.count(t) for t in tables}
    if not any(recorded.values()):
        raise Failure(
            "no versioned migrations: no table records which migrations ran",
            expected="a table such as schema_migrations with one row per applied migration",
            actual=f"tables: {', '.join(ctx.pg.tables()) or 'none'}"
                   + (f"; empty: {', '.join(tables)}" if tables else ""),
            hint=ctx.hint(
                "Number your migration files (001_schema.sql, 002_indexes.sql), apply the missing ones in "
                "order, and insert each version into schema_migrations in the same transaction.",
                node="Tools like node-pg-migrate, knex or Prisma Migrate do this for you.",
                python="Alembic does this for you (alembic upgrade head records alembic_version); "
                       "metadata.create_all() does not.",
                java="Flyway or Liquibase do this for you.",
            ),
            reproduce="psql \"$DATABASE_URL\" -c '\\dt'",
        )
    if first.snapshot is not None and second.snapshot is not None:
        changes = schema_changes(first.snapshot, second.snapshot)
        if changes:
            raise Failure(
                "the second migrate run changed the database",
                expected="no change: every migration already applied is skipped",
                actual="\n".join(changes[:10]) + (f"\n… and {len(changes) - 10} more" if len(changes) > 10 else ""),
                hint="Skip migrations whose version is recorded; seed data belongs in a migration that runs once.",
                reproduce=f"{command} && {command}",
            )
