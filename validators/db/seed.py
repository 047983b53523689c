"""Realistic volume without knowing the learner's schema: clone rows the API created.

The lab fixes table names and a few columns (books.author_id ...); everything else is the
learner's. So the harness creates a few rows through the API, then multiplies them in
SQL: generated keys are left to their defaults, unique text columns get a suffix, and
the caller spreads foreign keys. Child tables of the cloned rows (book_tags, ...) are
cloned with them, mapped through a unique text column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from psycopg import sql

from harness.introspect.pg import PgProbe


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    has_default: bool
    generated: bool


def columns(pg: PgProbe, table: str) -> list[Column]:
    rows = pg.rows(
        "SELECT column_name, data_type, column_default IS NOT NULL OR is_identity = 'YES', "
        "is_generated = 'ALWAYS' FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        (table,),
    )
    return [Column(str(n), str(t), bool(d), bool(g)) for n, t, d, g in rows]


def primary_key(pg: PgProbe, table: str) -> list[str]:
    return [str(r[0]) for r in pg.rows(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
        (table,),
    )]


def unique_columns(pg: PgProbe, table: str) -> set[str]:
    return {str(r[0]) for r in pg.rows(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT i.indisprimary",
        (table,),
    )}


def child_tables(pg: PgProbe, table: str, exclude: Sequence[str]) -> list[tuple[str, str]]:
    """(child table, its FK column) for single-column foreign keys to `table`."""
    rows = pg.rows(
        "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "WHERE c.contype = 'f' AND c.confrelid = %s::regclass AND array_length(c.conkey, 1) = 1",
        (table,),
    )
    return [(str(t), str(c)) for t, c in rows if str(t) not in exclude]


_TEXT = {"text", "character varying", "character", "citext"}


def _value_expr(col: Column, unique: set[str], overrides: Mapping[str, sql.Composable]) -> sql.Composable | None:
    """What a clone's column holds; None to leave it to its default."""
    if col.name in overrides:
        return overrides[col.name]
    if col.generated:
        return None
    if col.name in unique:
        if col.data_type in _TEXT:
            return sql.SQL("t.{} || '-c' || g").format(sql.Identifier(col.name))
        if col.data_type == "uuid":
            return sql.SQL("gen_random_uuid()")
    return sql.SQL("t.{}").format(sql.Identifier(col.name))


def clone(pg: PgProbe, table: str, template_ids: Sequence[str], copies: int,
          overrides: Mapping[str, sql.Composable] | None = None) -> str | None:
    """Insert `copies` clones of each template row. Returns the unique text column used to
    tell clones from templates (template value || '-c' || n), when there is one.

    In `overrides`, `g` is the copy number and `t` the template row.
    """
    overrides = dict(overrides or {})
    pk = primary_key(pg, table)
    unique = unique_columns(pg, table)
    chosen: list[sql.Composable] = []
    values: list[sql.Composable] = []
    for col in columns(pg, table):
        if col.name in pk and col.name not in overrides:
            if col.has_default or col.generated:
                continue
            if col.data_type == "uuid":
                overrides[col.name] = sql.SQL("gen_random_uuid()")
            elif col.data_type in _TEXT:
                overrides[col.name] = sql.SQL("t.{} || '-c' || g").format(sql.Identifier(col.name))
            else:  # an integer key the app assigns itself
                overrides[col.name] = sql.SQL("(SELECT max({c}) FROM {t}) + row_number() OVER ()").format(
                    c=sql.Identifier(col.name), t=sql.Identifier(table))
        expr = _value_expr(col, unique, overrides)
        if expr is not None:
            chosen.append(sql.Identifier(col.name))
            values.append(expr)
    key = pk[0] if len(pk) == 1 else "id"
    query = sql.SQL(
        "INSERT INTO {table} ({cols}) SELECT {vals} FROM {table} t, generate_series(1, %s) g "
        "WHERE t.{key}::text = ANY(%s)"
    ).format(table=sql.Identifier(table), cols=sql.SQL(", ").join(chosen), vals=sql.SQL(", ").join(values),
             key=sql.Identifier(key))
    pg.execute(query, (copies, list(template_ids)))
    marker = sorted(c for c in unique if any(col.name == c and col.data_type in _TEXT for col in columns(pg, table)))
    return marker[0] if marker else None


def clone_children(pg: PgProbe, table: str, marker: str, template_ids: Sequence[str], exclude: Sequence[str]) -> None:
    """Give every clone of `table` the child rows its template has (e.g. book_tags)."""
    pk = primary_key(pg, table)
    key = pk[0] if len(pk) == 1 else "id"
    for child, fk in child_tables(pg, table, exclude):
        child_pk = primary_key(pg, child)
        cols = [c for c in columns(pg, child) if not c.generated
                and not (c.name in child_pk and c.has_default and c.name != fk)]
        chosen = [sql.Identifier(c.name) for c in cols]
        values = [sql.SQL("n.{}").format(sql.Identifier(key)) if c.name == fk
                  else sql.SQL("ch.{}").format(sql.Identifier(c.name)) for c in cols]
        query = sql.SQL(
            "INSERT INTO {child} ({cols}) SELECT {vals} FROM {child} ch "
            "JOIN {table} t ON t.{key} = ch.{fk} "
            "JOIN {table} n ON n.{marker} LIKE t.{marker} || '-c%%' "
            "WHERE t.{key}::text = ANY(%s) ON CONFLICT DO NOTHING"
        ).format(child=sql.Identifier(child), cols=sql.SQL(", ").join(chosen), vals=sql.SQL(", ").join(values),
                 table=sql.Identifier(table), key=sql.Identifier(key), fk=sql.Identifier(fk),
                 marker=sql.Identifier(marker))
        pg.execute(query, (list(template_ids),))
