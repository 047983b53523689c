"""Finding what the app stored for a password, by reading the database the harness owns.

The column is not named by the lab: the harness registers an account with a password it
knows, then reads every row that mentions the account's e-mail and keeps the value that
*verifies* against the password (bcrypt, argon2, scrypt, PBKDF2 in their usual encodings,
or a fast digest or the password itself). Verifying, not guessing from a column name, also
proves that the value is the real hash. When the hash lives in a table without the e-mail,
hash-shaped values of every table are verified too (a bounded number: each costs ~50 ms+).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import sql

from harness.introspect.pg import PgProbe

from .hashes import HashInfo, classify, digest_of, recognised, verify

ROWS_PER_TABLE = 200
MAX_VERIFICATIONS = 40
# Hash-shaped text in a row: MCF/PHC prefixes and the framework formats of hashes.py.
_CREDENTIAL_COLUMN = re.compile(r"pass|pwd|hash|secret|cred|digest", re.IGNORECASE)
_HASHY = r"\$2[abxy]?\$|\$argon2|argon2\$|pbkdf2|scrypt|\$[156]\$|\{[a-z0-9@_.-]+\}"


@dataclass(frozen=True)
class Stored:
    """A value in the database that holds the password in some form."""

    table: str
    column: str  # the column, or column.key... inside a JSON column
    value: str
    info: HashInfo | None  # None: a format the harness does not recognise
    verified: bool | None  # None: recognised by its format but not verifiable here

    @property
    def where(self) -> str:
        return f"{self.table}.{self.column}"


def user_tables(pg: PgProbe) -> list[tuple[str, str]]:
    return [(str(s), str(t)) for s, t in pg.rows(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%%' ORDER BY 1, 2"
    )]


def _display(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def rows_mentioning(pg: PgProbe, needles: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    """(table, row as JSON) for every row whose text contains one of the needles."""
    found: list[tuple[str, dict[str, Any]]] = []
    lowered = [n.lower() for n in needles if n]
    for schema, table in user_tables(pg):
        query = sql.SQL(
            "SELECT to_jsonb(t) FROM {}.{} AS t WHERE EXISTS "
            "(SELECT 1 FROM unnest(%s::text[]) AS n WHERE strpos(lower(to_jsonb(t)::text), n) > 0) LIMIT {}"
        ).format(sql.Identifier(schema), sql.Identifier(table), sql.Literal(ROWS_PER_TABLE))
        found += [(_display(schema, table), row) for (row,) in pg.rows(query, (lowered,))]
    return found


def _hash_shaped_rows(pg: PgProbe) -> Iterator[tuple[str, dict[str, Any]]]:
    for schema, table in user_tables(pg):
        query = sql.SQL("SELECT to_jsonb(t) FROM {}.{} AS t WHERE to_jsonb(t)::text ~* %s LIMIT {}").format(
            sql.Identifier(schema), sql.Identifier(table), sql.Literal(ROWS_PER_TABLE))
        for (row,) in pg.rows(query, (_HASHY,)):
            yield _display(schema, table), row


def string_leaves(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(column[.key...], text) for every string in a row; bytea arrives as '\\x<hex>'."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from string_leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from string_leaves(item, path)
    elif isinstance(value, str):
        yield path, value[2:] if re.fullmatch(r"\\x[0-9a-fA-F]+", value) else value


def reversible_forms(password: str) -> list[str]:
    """The password as apps leak it: itself, base64, and fast unsalted digests (hex)."""
    raw = password.encode("utf-8")
    return [password, base64.b64encode(raw).decode()] + [
        hashlib.new(name, raw).hexdigest() for name in ("md5", "sha1", "sha256", "sha512")]


def _judge(table: str, column: str, value: str, password: str) -> Stored | None:
    verified = verify(value, password)
    if verified is False:
        return None
    info = classify(value, password)
    if verified is None and (info is None or not recognised(value)):
        return None
    return Stored(table, column, value, info, verified)


def find_stored_password(pg: PgProbe, email: str, password: str) -> tuple[Stored | None, list[Stored]]:
    """The stored form of `password`, and the unrecognised values of the account's rows (for messages).

    A verified value wins over one that is only hash-shaped (an unverifiable format).
    """
    unknown: list[Stored] = []
    shaped: Stored | None = None
    for table, row in rows_mentioning(pg, [email]):
        for column, value in string_leaves(row):
            if value.lower() == email.lower() or len(value) < 8:
                continue
            stored = _judge(table, column, value, password)
            if stored is not None and stored.verified:
                return stored, []
            if stored is not None:
                shaped = shaped or stored
            elif classify(value) is None and _CREDENTIAL_COLUMN.search(column):
                unknown.append(Stored(table, column, value, None, None))
    if shaped is not None:
        return shaped, []
    # The hash may live in a table without the e-mail (credentials keyed by member id).
    for table, row in rows_mentioning(pg, reversible_forms(password)):
        for column, value in string_leaves(row):
            if value == password or digest_of(value, password):
                return Stored(table, column, value, classify(value, password), True), []
    budget = MAX_VERIFICATIONS
    for table, row in _hash_shaped_rows(pg):
        for column, value in string_leaves(row):
            if budget <= 0:
                return None, unknown
            if recognised(value):
                budget -= 1
                if verify(value, password):
                    return Stored(table, column, value, classify(value, password), True), []
    return None, unknown
