"""Realistic volume without knowing the learner's schema: clone rows the API created.

The lab fixes table names and a few columns (books.author_id ...); everything else is the
learner's. So the harness creates a few rows through the API, then multiplies them in
SQL: generated keys are left to their defaults, unique text columns get a suffix, and
the caller spreads foreign keys. A unique column whose templates hold ISBN-13s gets real
ISBN-13s instead (979 prefix, the harness's own books use 978), as a stricter schema wants
them (varchar(13), a format CHECK, uniqueness of the digits alone, a bigint column). Child
tables of the cloned rows (book_tags, ...) are cloned with them, mapped through a unique
column.

The rows are written through the probe's work login, with the app's rights: a trigger the
app put on these tables runs as the app, never as a superuser (introspect/pg.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql

from harness.introspect.pg import PgProbe

from ..shelf.values import is_isbn13, isbn13_check_digit

# The generated SQL runs on the app's search_path (it names the app's tables): operators
# are pinned to the system's, so none the app defined can stand in for them.
EQ, CAT, PLUS, LIKE, MINUS, TIMES = (sql.SQL(f"OPERATOR(pg_catalog.{op})") for op in ("=", "||", "+", "~~", "-", "*"))


@dataclass(frozen=True)
class Table:
    oid: int
    schema: str
    name: str

    @property
    def ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.name)


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str  # the type's name, a domain's base type: text, varchar, uuid, int8 ...
    has_default: bool
    generated: bool


def table(pg: PgProbe, name: str) -> Table:
    """The table the app means by `name` (its search_path), read from the catalog by oid."""
    oid = pg.relation(name)
    found = pg.catalog_rows(
        "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
        "ON n.oid = c.relnamespace WHERE c.oid = %s::pg_catalog.oid", (oid,)) if oid is not None else []
    if not found:
        raise psycopg.errors.UndefinedTable(f'relation "{name}" does not exist')
    return Table(oid or 0, str(found[0][0]), str(found[0][1]))


def columns(pg: PgProbe, t: Table) -> list[Column]:
    rows = pg.catalog_rows(
        "SELECT a.attname, COALESCE(b.typname, y.typname), "
        "(a.atthasdef AND a.attgenerated = '') OR a.attidentity <> '', a.attgenerated <> '' "
        "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type y ON y.oid = a.atttypid "
        "LEFT JOIN pg_catalog.pg_type b ON b.oid = y.typbasetype AND y.typtype = 'd' "
        "WHERE a.attrelid = %s::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        (t.oid,),
    )
    return [Column(str(n), str(ty), bool(d), bool(g)) for n, ty, d, g in rows]


def _index_columns(pg: PgProbe, t: Table, which: str) -> list[str]:
    return [str(r[0]) for r in pg.catalog_rows(
        "SELECT a.attname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid "
        f"AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::pg_catalog.oid AND {which} ORDER BY a.attnum",
        (t.oid,),
    )]


def primary_key(pg: PgProbe, t: Table) -> list[str]:
    return _index_columns(pg, t, "i.indisprimary")


def unique_columns(pg: PgProbe, t: Table) -> set[str]:
    """Columns of unique indexes, also those an expression index names (UNIQUE (lower(email)),
    a normalised ISBN): copied unchanged, those would collide."""
    found = set(_index_columns(pg, t, "i.indisunique AND NOT i.indisprimary"))
    expressions = [str(r[0]) for r in pg.catalog_rows(
        "SELECT pg_catalog.pg_get_expr(i.indexprs, i.indrelid) FROM pg_catalog.pg_index i "
        "WHERE i.indrelid = %s::pg_catalog.oid AND i.indisunique AND i.indexprs IS NOT NULL", (t.oid,))]
    for col in columns(pg, t) if expressions else []:
        if any(re.search(rf'(?<![\w"]){re.escape(col.name)}(?![\w"])|"{re.escape(col.name)}"', e) for e in expressions):
            found.add(col.name)
    return found


def child_tables(pg: PgProbe, t: Table, exclude: Sequence[str]) -> list[tuple[Table, str]]:
    """(child table, its FK column) for single-column foreign keys to `t`."""
    rows = pg.catalog_rows(
        "SELECT c.conrelid, n.nspname, r.relname, a.attname FROM pg_catalog.pg_constraint c "
        "JOIN pg_catalog.pg_class r ON r.oid = c.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "WHERE c.contype = 'f' AND c.confrelid = %s::pg_catalog.oid AND pg_catalog.array_length(c.conkey, 1) = 1 "
        "ORDER BY 3, 4",
        (t.oid,),
    )
    return [(Table(int(oid), str(s), str(name)), str(col)) for oid, s, name, col in rows if str(name) not in exclude]


_TEXT = {"text", "varchar", "bpchar", "citext"}
_UUID = sql.SQL("pg_catalog.gen_random_uuid()")


_INTEGER = {"int8", "int4", "numeric"}
ISBN_PREFIX = "979"


def isbn_clones(templates: int, copies: int, after: int = 0) -> list[str]:
    """Real ISBN-13s for the clones: template i (from 0), copy g (from 1) at i * copies + g - 1.
    Numbered from `after` + 1, the rows the table held before: each cloning (a --repeat round
    clones again into the same table) takes numbers past every earlier one."""
    if templates > 9 or after + copies >= 10**8:
        raise ValueError("at most 9 templates, numbered under 10^8")
    values = []
    for rank in range(1, templates + 1):
        for g in range(after + 1, after + copies + 1):
            first_twelve = f"{ISBN_PREFIX}{rank}{g:08d}"
            values.append(first_twelve + isbn13_check_digit(first_twelve))
    return values


def _isbn_like(pg: PgProbe, t: Table, key: str, column: str, template_ids: Sequence[str]) -> bool:
    rows = pg.rows(sql.SQL("SELECT t.{c}::pg_catalog.text FROM {t} t WHERE t.{k}::pg_catalog.text {eq} "
                           "ANY(%s::pg_catalog.text[])").format(c=sql.Identifier(column), t=t.ident,
                                                                 k=sql.Identifier(key), eq=EQ),
                   (list(template_ids),))
    digits = ["".join(ch for ch in str(r[0] or "") if ch.isdigit()) for r in rows]
    return bool(digits) and all(is_isbn13(d) for d in digits)


def _isbn(column: Column, key: str, isbns: list[str], ids: list[str], copies: int) -> sql.Composable:
    """The clone's value: the ISBN at its template's place (among `ids`) and its copy number."""
    cast = sql.SQL("::pg_catalog.int8") if column.data_type in _INTEGER else sql.SQL("")
    return sql.SQL(
        "(({isbns}::pg_catalog.text[])[(pg_catalog.array_position({ids}::pg_catalog.text[], t.{k}::pg_catalog.text) "
        "{minus} 1) {times} {copies} {plus} g]){cast}").format(
        isbns=sql.Literal(isbns), ids=sql.Literal(ids), copies=sql.Literal(copies),
        k=sql.Identifier(key), minus=MINUS, times=TIMES, plus=PLUS, cast=cast)


@dataclass(frozen=True)
class Marker:
    """How a clone is told from its template: a suffixed text column (template || '-c' || n),
    or a column given ISBN-13s (values[k] is a clone of templates[k])."""
    column: str
    values: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()


def _suffixed(column: str) -> sql.Composable:
    """A unique text value of a clone: the template's || '-c' || the copy number."""
    return sql.SQL("t.{c} {cat} '-c' {cat} g").format(c=sql.Identifier(column), cat=CAT)


def _value_expr(col: Column, unique: set[str], overrides: Mapping[str, sql.Composable]) -> sql.Composable | None:
    """What a clone's column holds; None to leave it to its default."""
    if col.name in overrides:
        return overrides[col.name]
    if col.generated:
        return None
    if col.name in unique:
        if col.data_type in _TEXT:
            return _suffixed(col.name)
        if col.data_type == "uuid":
            return _UUID
    return sql.SQL("t.{}").format(sql.Identifier(col.name))


def clone(pg: PgProbe, name: str, template_ids: Sequence[str], copies: int,
          overrides: Mapping[str, sql.Composable] | None = None) -> Marker | None:
    """Insert `copies` clones of each template row. Returns how a clone is told from its
    template (a unique column that differs), when a column does.

    In `overrides`, `g` is the copy number and `t` the template row.
    """
    if copies <= 0:
        return None  # the table holds the volume already: no clones, no children to give them
    overrides = dict(overrides or {})
    t = table(pg, name)
    pk = primary_key(pg, t)
    unique = unique_columns(pg, t)
    cols = columns(pg, t)
    key = pk[0] if len(pk) == 1 else "id"
    isbns: list[str] = []
    isbn_column = None
    for col in cols:
        if col.name in unique and col.name not in overrides and col.name not in pk and isbn_column is None \
                and (col.data_type in _TEXT or col.data_type in _INTEGER) \
                and _isbn_like(pg, t, key, col.name, template_ids):
            isbn_column = col.name
            held = pg.scalar(sql.SQL("SELECT pg_catalog.count(*) FROM {t}").format(t=t.ident))
            isbns = isbn_clones(len(template_ids), copies, int(held or 0))
            overrides[col.name] = _isbn(col, key, isbns, [str(i) for i in template_ids], copies)
    chosen: list[sql.Composable] = []
    values: list[sql.Composable] = []
    for col in cols:
        if col.name in pk and col.name not in overrides:
            if col.has_default or col.generated:
                continue
            if col.data_type == "uuid":
                overrides[col.name] = _UUID
            elif col.data_type in _TEXT:
                overrides[col.name] = _suffixed(col.name)
            else:  # an integer key the app assigns itself
                overrides[col.name] = sql.SQL(
                    "(SELECT pg_catalog.max({c}) FROM {t}) {plus} pg_catalog.row_number() OVER ()").format(
                    c=sql.Identifier(col.name), t=t.ident, plus=PLUS)
        expr = _value_expr(col, unique, overrides)
        if expr is not None:
            chosen.append(sql.Identifier(col.name))
            values.append(expr)
    query = sql.SQL(
        "INSERT INTO {table} ({cols}) SELECT {vals} FROM {table} t, pg_catalog.generate_series(1, %s) g "
        "WHERE t.{key}::pg_catalog.text {eq} ANY(%s::pg_catalog.text[])"
    ).format(table=t.ident, cols=sql.SQL(", ").join(chosen), vals=sql.SQL(", ").join(values),
             key=sql.Identifier(key), eq=EQ)
    ids = [str(i) for i in template_ids]
    pg.execute(query, (copies, ids))
    suffixed = sorted(c for c in unique if c != isbn_column and c not in overrides
                      and any(col.name == c and col.data_type in _TEXT for col in cols))
    if suffixed:
        return Marker(suffixed[0])
    if isbn_column:
        owners = tuple(ids[k // copies] for k in range(len(isbns)))
        return Marker(isbn_column, tuple(isbns), owners)
    return None


def clone_children(pg: PgProbe, name: str, marker: Marker, template_ids: Sequence[str],
                   exclude: Sequence[str]) -> None:
    """Give every clone of `name` the child rows its template has (e.g. book_tags)."""
    t = table(pg, name)
    pk = primary_key(pg, t)
    key = pk[0] if len(pk) == 1 else "id"
    for child, fk in child_tables(pg, t, exclude):
        child_pk = primary_key(pg, child)
        cols = [c for c in columns(pg, child) if not c.generated
                and not (c.name in child_pk and c.has_default and c.name != fk)]
        chosen = [sql.Identifier(c.name) for c in cols]
        values = [sql.SQL("n.{}").format(sql.Identifier(key)) if c.name == fk
                  else sql.SQL("ch.{}").format(sql.Identifier(c.name)) for c in cols]
        if marker.values:
            clones = sql.SQL(
                "JOIN pg_catalog.unnest(%s::pg_catalog.text[], %s::pg_catalog.text[]) m(template, value) "
                "ON m.template {eq} t.{key}::pg_catalog.text "
                "JOIN {table} n ON n.{marker}::pg_catalog.text {eq} m.value")
            params: tuple[object, ...] = (list(marker.templates), list(marker.values))
        else:
            clones = sql.SQL("JOIN {table} n ON n.{marker} {like} (t.{marker} {cat} '-c%%')")
            params = ()
        query = sql.SQL(
            "INSERT INTO {child} ({cols}) SELECT {vals} FROM {child} ch "
            "JOIN {table} t ON t.{key} {eq} ch.{fk} " + "{clones} "
            "WHERE t.{key}::pg_catalog.text {eq} ANY(%s::pg_catalog.text[]) ON CONFLICT DO NOTHING"
        ).format(child=child.ident, cols=sql.SQL(", ").join(chosen), vals=sql.SQL(", ").join(values),
                 table=t.ident, key=sql.Identifier(key), fk=sql.Identifier(fk), eq=EQ,
                 clones=clones.format(table=t.ident, key=sql.Identifier(key), marker=sql.Identifier(marker.column),
                                      eq=EQ, like=LIKE, cat=CAT))
        pg.execute(query, (*params, list(template_ids)))
