"""A schema from a brief (the clinic of sql/week-25): its keys, foreign keys, NOT NULL, UNIQUE,
CHECK and exclusion constraints, judged by the catalog and by rows it must accept or refuse.

Every probe names the SQLSTATE the brief's rule should raise: 23505 unique, 23503 foreign key,
23502 not null, 23514 check, 23P01 exclusion. The rows come from the run's seed.

Normalisation is judged where a machine can judge it, from the catalog only: each fact is
stored once (an appointment names its patient and room by id; it does not copy the room's
name or the patient's email, which then go stale when they change), and no table holds a
repeated group of columns (phone1, phone2) or a list in one column (an array). The names it
judges are the learner's own, shown quoted.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .schema_run import Probe, ensure, require, rolled_back, run_probes

PATIENT = "INSERT INTO patients (id, name, email, born) VALUES (%s, %s, %s, %s)"
ROOM = "INSERT INTO rooms (id, name) VALUES (%s, %s)"
VISIT = "INSERT INTO appointments (id, patient_id, room_id, starts_at, ends_at, note) VALUES (%s, %s, %s, %s, %s, %s)"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
N = "checkup"  # a note on every probe but the valid rows': the note being optional is theirs to judge
TABLES = ("patients", "rooms", "appointments")
# Columns of appointments that would copy a fact its patient or room already holds.
COPIES = {"patient_name": "patients.name", "patientname": "patients.name", "patient_email": "patients.email",
          "patientemail": "patients.email", "email": "patients.email", "patient_born": "patients.born",
          "born": "patients.born", "room_name": "rooms.name", "roomname": "rooms.name"}
NUMBERED = re.compile(r"^(?P<base>.*?[a-z])_?\d+$")
# Numbered by nature, not a list: the lines of a postal address.
NOT_LISTS = ("line", "address")


def _base() -> list[Probe]:
    """Two patients, two rooms and one appointment the other probes build on."""
    return [Probe("patient 1", PATIENT, (1, "Ada Berg", "ada@example.com", date(1980, 5, 1))),
            Probe("patient 2", PATIENT, (2, "Ole Lie", "ole@example.com", date(1975, 1, 9))),
            Probe("room 1", ROOM, (1, "Room A")), Probe("room 2", ROOM, (2, "Room B")),
            Probe("appointment 1 (patient 1, room 1, 09:00-10:00)", VISIT, (1, 1, 1, T0, T0 + HOUR, "first visit"))]


def _setup(conn: psycopg.Connection[Any]) -> None:
    setup = run_probes(conn, _base())
    if setup:
        raise Failure("the schema refuses rows the brief allows: " + setup[0], actual="\n".join(setup),
                      hint="Compare each table's columns with the brief: names, types, which may be NULL.")


def _judge(ctx: CheckContext, probes: list[Probe], message: str, hint: str) -> None:
    ensure(ctx)
    with rolled_back(ctx) as conn:
        _setup(conn)
        wrong = run_probes(conn, probes)
    require(wrong, message, hint, probes)


@check("sql.design.keys", services=["postgres"], needs_app=False)
def keys(ctx: CheckContext) -> None:
    """A primary key on every table's id, and appointments referencing their patient and room."""
    ensure(ctx)
    rows = ctx.pg.rows(
        "SELECT c.conrelid::regclass::text, c.contype FROM pg_catalog.pg_constraint c "
        "WHERE c.contype IN ('p', 'f') AND c.conrelid::regclass::text IN ('patients', 'rooms', 'appointments')")
    found = {(table, kind) for table, kind in rows}
    missing = [f"{t}: no primary key" for t in ("patients", "rooms", "appointments") if (t, "p") not in found]
    if missing:
        raise Failure("a table has no primary key: " + "; ".join(missing), expected="PRIMARY KEY (id) on each table",
                      hint="Declare id as PRIMARY KEY: UNIQUE alone still allows NULL ids and is not the table's key.",
                      reproduce=f"psql -d scratch -f schema.sql && psql -d scratch -c '\\d {missing[0].split(':')[0]}'")
    _judge(ctx, [
        Probe("a second patient with id 1", PATIENT, (1, "Eva Moe", "eva@example.com", date(1990, 1, 1)), "23505"),
        Probe("an appointment of patient 99, who does not exist", VISIT, (2, 99, 1, T0 + 3 * HOUR, T0 + 4 * HOUR, N),
              "23503"),
        Probe("an appointment in room 99, which does not exist", VISIT, (3, 1, 99, T0 + 3 * HOUR, T0 + 4 * HOUR, N),
              "23503"),
    ], "the keys do not hold", "appointments.patient_id REFERENCES patients (id), room_id REFERENCES rooms (id).")


@check("sql.design.on_delete", services=["postgres"], needs_app=False)
def on_delete(ctx: CheckContext) -> None:
    """Deleting a patient deletes their appointments; a room with appointments cannot be deleted."""
    ensure(ctx)
    with rolled_back(ctx) as conn:
        _setup(conn)
        patient = Probe("deleting patient 1, who has an appointment", "DELETE FROM patients WHERE id = 1")
        wrong = run_probes(conn, [
            Probe("deleting room 1, which has an appointment", "DELETE FROM rooms WHERE id = 1", (), "23503"),
            Probe("deleting room 2, which has none", "DELETE FROM rooms WHERE id = 2"),
            patient,
        ])
        deleted = not any(line.startswith(patient.what) for line in wrong)
        left = conn.execute("SELECT count(*) FROM appointments WHERE patient_id = 1").fetchone()
    # Part of the third probe: a delete refused already failed it, and left the appointments be.
    if deleted and left and left[0]:
        wrong.append(f"{patient.what}: deleted, but {left[0]} of their appointments are still there")
    require(wrong, "deleting does not follow the brief", "ON DELETE CASCADE on appointments.patient_id, "
            "ON DELETE RESTRICT (or the default NO ACTION) on appointments.room_id.",
            [Probe("deleting room 1", "", (), "23503"), Probe("deleting room 2", ""),
             Probe("deleting patient 1 (and with them their appointments)", "")])


@check("sql.design.not_null", services=["postgres"], needs_app=False)
def not_null(ctx: CheckContext) -> None:
    """Every column the brief requires refuses NULL (23502)."""
    _judge(ctx, [
        Probe("a patient without a name", PATIENT, (3, None, "x@example.com", date(1990, 1, 1)), "23502"),
        Probe("a patient without an email", PATIENT, (3, "Kim Ek", None, date(1990, 1, 1)), "23502"),
        Probe("a patient without a birth date", PATIENT, (3, "Kim Ek", "kim@example.com", None), "23502"),
        Probe("a room without a name", ROOM, (3, None), "23502"),
        Probe("an appointment without a patient", VISIT, (4, None, 2, T0, T0 + HOUR, N), "23502"),
        Probe("an appointment without a room", VISIT, (4, 1, None, T0, T0 + HOUR, N), "23502"),
        Probe("an appointment without a start", VISIT, (4, 1, 2, None, T0 + HOUR, N), "23502"),
        Probe("an appointment without an end", VISIT, (4, 1, 2, T0, None, N), "23502"),
    ], "a required column accepts NULL", "Mark every column the brief requires NOT NULL.")


@check("sql.design.unique", services=["postgres"], needs_app=False)
def unique(ctx: CheckContext) -> None:
    """Two patients never share an email, two rooms never a name (23505)."""
    _judge(ctx, [
        Probe("a third patient with patient 1's email", PATIENT, (3, "Ada Lund", "ada@example.com", date(1991, 2, 3)),
              "23505"),
        Probe("a third room named like room 1", ROOM, (3, "Room A"), "23505"),
    ], "a value the brief says is unique is accepted twice", "UNIQUE on patients.email and rooms.name.")


@check("sql.design.checks", services=["postgres"], needs_app=False)
def checks(ctx: CheckContext) -> None:
    """An appointment ends after it starts, a birth date is after 1900-01-01 (CHECK, 23514)."""
    _judge(ctx, [
        Probe("an appointment that ends when it starts", VISIT, (4, 1, 2, T0, T0, N), "23514"),
        Probe("an appointment that ends before it starts", VISIT, (4, 1, 2, T0 + HOUR, T0, N), "23514"),
        Probe("a patient born 1899-12-31", PATIENT, (3, "Old Timer", "old@example.com", date(1899, 12, 31)), "23514"),
        Probe("a patient born 1900-01-02", PATIENT, (4, "Near Limit", "near@example.com", date(1900, 1, 2))),
    ], "a CHECK rule of the brief does not hold", "CHECK (ends_at > starts_at) and CHECK (born > '1900-01-01').")


@check("sql.design.no_overlap", services=["postgres"], needs_app=False)
def no_overlap(ctx: CheckContext) -> None:
    """Two appointments never overlap in the same room; back to back, or in another room, is fine (23P01)."""
    _judge(ctx, [
        Probe("room 1 at 09:30-10:30, overlapping appointment 1", VISIT, (4, 2, 1, T0 + HOUR / 2, T0 + 1.5 * HOUR,
                                                                           N), "23P01"),
        Probe("room 1 at 08:00-11:00, around appointment 1", VISIT, (5, 2, 1, T0 - HOUR, T0 + 2 * HOUR, N), "23P01"),
        Probe("room 1 at 10:00-11:00, right after appointment 1", VISIT, (6, 2, 1, T0 + HOUR, T0 + 2 * HOUR, N)),
        Probe("room 2 at 09:00-10:00, the same time in another room", VISIT, (7, 2, 2, T0, T0 + HOUR, N)),
    ], "the rooms' bookings do not follow the brief", "An exclusion constraint: EXCLUDE USING gist (room_id WITH =, "
       "tstzrange(starts_at, ends_at) WITH &&), with CREATE EXTENSION btree_gist; the range's default '[)' lets "
       "one appointment end when the next starts.")


@check("sql.design.valid_rows", services=["postgres"], needs_app=False)
def valid_rows(ctx: CheckContext) -> None:
    """A generated clinic's worth of valid rows (the run's seed) is accepted whole."""
    rng = random.Random(ctx.seed)
    probes = []
    for pid in range(10, 70):
        probes.append(Probe(f"patient {pid}", PATIENT, (pid, rng.choice(("Li", "Ann Berg", "Jo Haugen-Strand")),
                                                        f"p{pid}@example.com", date(1901, 1, 1) + timedelta(
                                                            days=rng.randrange(0, 120 * 365)))))
    for rid in range(10, 14):
        probes.append(Probe(f"room {rid}", ROOM, (rid, f"Room {rid}")))
    vid = 100
    for rid in range(10, 14):
        start = T0 + timedelta(days=rng.randrange(1, 5))
        for _ in range(20):  # back to back or with a gap, never overlapping
            length = timedelta(minutes=rng.choice((15, 30, 45, 60)))
            note = rng.choice((None, None, "", "follow-up"))
            probes.append(Probe(f"appointment {vid} in room {rid}", VISIT,
                                (vid, rng.randrange(10, 70), rid, start, start + length, note)))
            # Never back to back: whether an appointment may start as another ends is no_overlap's to judge.
            start += length + timedelta(minutes=rng.choice((15, 30)))
            vid += 1
    _judge(ctx, probes, "the schema refuses valid rows", "Only the brief's rules may refuse a row: the note is "
           "optional and may be empty, a short name is a name, a gap or no gap between appointments is fine.")


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
