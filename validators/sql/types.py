"""Column types, where a task names one: a year or a count is a whole number, money is exact.

Values compare by value (compare.py: 2024 equals 2024.0), so a column's type is judged only
where the task names it, by family: any integer type is an integer, numeric is numeric, and
a float is never either. Checked after the rows are right, so the type is the only thing said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

# The families a task may name, by the OIDs of PostgreSQL's built-in types.
FAMILIES: dict[str, frozenset[int]] = {
    "integer": frozenset({20, 21, 23}),  # bigint, smallint, integer
    "numeric": frozenset({1700}),
    "double precision": frozenset({700, 701}),  # real, double precision
    "text": frozenset({25, 1042, 1043}),  # text, char(n), varchar
    "date": frozenset({1082}),
    "timestamptz": frozenset({1184}),
}
# Names a learner reads in psql and the docs, not the catalog's (int8, float8).
SPOKEN = {"int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real", "float8": "double precision",
          "bpchar": "char", "varchar": "varchar", "timestamptz": "timestamptz"}
ASKED = {"integer": "an integer", "numeric": "a numeric", "double precision": "a double precision",
         "text": "text", "date": "a date", "timestamptz": "a timestamptz"}
HINTS = {
    "integer": "A year or a count is a whole number: EXTRACT and date_part give numeric or double precision, "
               "so cast the value (EXTRACT(YEAR FROM t)::int); COUNT(*) already gives bigint.",
    "numeric": "Money stays exact: keep it numeric (a ::float or ::real cast rounds it; "
               "ROUND(x, 2) on a numeric keeps the type).",
}


@dataclass(frozen=True)
class WrongType:
    column: str
    wanted: str  # a family of FAMILIES
    got: str  # the learner's type, as psql names it


def type_name(oid: int) -> str:
    info = psycopg.adapters.types.get(oid)
    if info is None:
        return f"the type with OID {oid}"
    return SPOKEN.get(info.name, info.name)


def wrong_types(wanted: Sequence[tuple[str, str]], columns: Sequence[str], oids: Sequence[int]) -> list[WrongType]:
    """The task's typed columns whose type is not of the family the task names."""
    found = []
    for column, family in wanted:
        oid = oids[columns.index(column)]
        if oid not in FAMILIES[family]:
            found.append(WrongType(column, family, type_name(oid)))
    return found


def hint(wrong: Sequence[WrongType]) -> str:
    families = dict.fromkeys(w.wanted for w in wrong)
    return " ".join(HINTS.get(f, f"Cast the column to {f}.") for f in families)
