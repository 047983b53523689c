"""A normalised clinic, where a machine can judge it: each fact is stored once (an appointment
names its patient and room by id; it does not copy the room's name or the patient's email,
which then go stale when they change), and no table holds a repeated group of columns
(phone1, phone2) or a list in one column (an array).

Read from the catalog only; the names it judges are the learner's own, shown quoted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .schema_run import ensure

TABLES = ("patients", "rooms", "appointments")
# Columns of appointments that would copy a fact its patient or room already holds.
COPIES = {"patient_name": "patients.name", "patientname": "patients.name", "patient_email": "patients.email",
          "patientemail": "patients.email", "email": "patients.email", "patient_born": "patients.born",
          "born": "patients.born", "room_name": "rooms.name", "roomname": "rooms.name"}
NUMBERED = re.compile(r"^(?P<base>.*?[a-z])_?\d+$")
# Numbered by nature, not a list: the lines of a postal address.
NOT_LISTS = ("line", "address")


def copies(appointment_columns: Iterable[str]) -> list[str]:
    return [f'appointments."{c}" copies {COPIES[c]}' for c in appointment_columns if c in COPIES]


def repeated_groups(columns: Iterable[tuple[str, str]]) -> list[str]:
    """Columns of one table that differ only by a number (phone1, phone_2): a list spread over columns."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for table, column in columns:
        found = NUMBERED.match(column)
        if found and not found["base"].endswith(NOT_LISTS):
            groups[(table, found["base"])].append(column)
    return [f"{table}: {', '.join(repr(c) for c in sorted(names))} repeat one column" for (table, _), names
            in sorted(groups.items()) if len(names) > 1]


def lists(columns: Iterable[tuple[str, str, str]]) -> list[str]:
    return [f'{table}."{column}" is {kind}, a list in one column' for table, column, kind in columns
            if kind.endswith("[]")]


@check("sql.design.normalized", services=["postgres"], needs_app=False)
def normalized(ctx: CheckContext) -> None:
    """Each fact stored once: no copy of a patient's or room's data in appointments, no repeated group of columns."""
    ensure(ctx)
    rows = ctx.pg.rows(
        "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a "
        "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
        "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname = ANY(%s) "
        "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, a.attnum", (list(TABLES),))
    present = {table for table, _, _ in rows}
    missing = [t for t in TABLES if t not in present]
    if missing:
        raise Failure(f"schema.sql creates no table {', '.join(missing)}", expected=", ".join(TABLES),
                      hint="Create the brief's three tables, named as it names them.")
    found = (copies(c for t, c, _ in rows if t == "appointments") + repeated_groups((t, c) for t, c, _ in rows)
             + lists(rows))
    if found:
        raise Failure("a fact is stored twice or a list is spread over columns: " + found[0],
                      actual="\n".join(found), expected="each fact in the table of what it describes, once",
                      hint="An appointment holds patient_id and room_id; a JOIN gives their name or email, which "
                           "a copy would leave stale after a rename. A list (several phones) is a table of its own, "
                           "one row per item.",
                      reproduce="psql -d scratch -f schema.sql && psql -d scratch -c '\\d appointments'")
