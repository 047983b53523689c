"""The harness's client in postgres/week-15: writers under load on the primary, then one writer
that comes back through the learner's multi-host connection string.

Every id a writer saw committed (its INSERT returned under autocommit) is kept: those are the
acknowledged commits that must all be on the new primary. A write that raised, or that still
waited when the primary died, was never acknowledged and may be lost.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg
from psycopg.conninfo import conninfo_to_dict

CONNINFO = "conninfo.txt"
CONNINFO_BYTES = 4096
# The placeholders the learner's string names the two servers' ports by (their ports are free
# ones, picked each run); node1 is the first primary, node2 the first standby.
PLACEHOLDERS = ("${NODE1_PORT}", "${NODE2_PORT}")
# Keys the harness gives the connection itself: who it logs in as, where, how long it waits.
OWNED_KEYS = {"user", "password", "passfile", "dbname", "connect_timeout", "service", "servicefile"}
WRITER = "app_writer"
TABLE = "ha_probe"
CONNECT_TIMEOUT_S = 3


class ConninfoRefused(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_conninfo(text: str) -> str:
    """The learner's string, checked: one line, both placeholders, no key the harness owns.
    Raises ConninfoRefused."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    if len(lines) != 1:
        raise ConninfoRefused(f"{CONNINFO} holds {len(lines)} connection strings (lines that are not comments)",
                              "Write one libpq connection string on one line (# starts a comment).")
    line = lines[0]
    missing = [p for p in PLACEHOLDERS if p not in line]
    if missing:
        raise ConninfoRefused(f"{CONNINFO} does not name {' and '.join(missing)}",
                              "Name both servers: host=127.0.0.1,127.0.0.1 port=${NODE1_PORT},${NODE2_PORT}; "
                              "the harness puts in the ports of the run.")
    try:
        keys = conninfo_to_dict(fill(line, 1, 2))
    except psycopg.ProgrammingError as exc:
        raise ConninfoRefused(f"{CONNINFO} is not a libpq connection string: {exc}",
                              "Write keyword=value pairs (or a postgresql:// URI) libpq accepts.") from None
    owned = sorted(OWNED_KEYS & set(keys))
    if owned:
        raise ConninfoRefused(f"{CONNINFO} sets {', '.join(owned)}, which the harness gives the client itself",
                              f"Leave out {', '.join(owned)}: the client logs in as {WRITER} with a password of "
                              "its own.")
    return line


def fill(conninfo: str, node1_port: int, node2_port: int) -> str:
    return conninfo.replace(PLACEHOLDERS[0], str(node1_port)).replace(PLACEHOLDERS[1], str(node2_port))


@dataclass
class Acked:
    """The ids the client saw committed, with when (monotonic seconds)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: dict[int, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, value: int) -> None:
        with self.lock:
            self.ids[value] = time.monotonic()

    def error(self, text: str) -> None:
        with self.lock:
            if len(self.errors) < 20:
                self.errors.append(text)

    def after(self, moment: float) -> list[int]:
        with self.lock:
            return sorted(i for i, at in self.ids.items() if at >= moment)

    def all(self) -> set[int]:
        with self.lock:
            return set(self.ids)


class Load:
    """`writers` threads inserting new ids into the primary until it dies under them."""

    def __init__(self, connect: Callable[[], psycopg.Connection[tuple[object, ...]]], writers: int,
                 acked: Acked, ids: itertools.count[int]) -> None:
        self._connect = connect
        self._acked = acked
        self._ids = ids
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._write, name=f"ha-writer-{n}", daemon=True)
                         for n in range(writers)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def _write(self) -> None:
        try:
            with self._connect() as conn:
                while not self._stop.is_set():
                    value = next(self._ids)
                    conn.execute(f"INSERT INTO public.{TABLE} (id) VALUES (%s)", (value,))
                    self._acked.add(value)
        except psycopg.Error as exc:  # the primary killed under it: the write in flight is not acknowledged
            self._acked.error(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)

    def finish(self, timeout_s: float) -> bool:
        """Stop writing; whether every writer ended within `timeout_s`."""
        self._stop.set()
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)


@dataclass(frozen=True)
class Login:
    user: str
    password: str

    def connect(self, conninfo: str) -> psycopg.Connection[tuple[object, ...]]:
        """A connection through `conninfo`; the login and database are the harness's."""
        return psycopg.connect(conninfo, user=self.user, password=self.password, dbname="postgres", autocommit=True,
                               connect_timeout=CONNECT_TIMEOUT_S)


@dataclass
class Landed:
    ok: bool
    port: int | None
    error: str


def write_once(conninfo: str, login: Login, value: int, wait_s: float = 15.0) -> Landed:
    """One new connection through the learner's string and one write: where it landed. A write
    still waiting after `wait_s` (a commit that waits for a synchronous standby that is not there)
    is not acknowledged; its thread ends when its server stops."""
    done: list[Landed] = []
    thread = threading.Thread(target=lambda: done.append(_write(conninfo, login, value)), daemon=True)
    thread.start()
    thread.join(wait_s)
    if done:
        return done[0]
    return Landed(False, None, f"the write waited {wait_s:.0f} s and was not acknowledged (a commit waits for a "
                               "synchronous standby that is not there?)")


def _write(conninfo: str, login: Login, value: int) -> Landed:
    try:
        with login.connect(conninfo) as conn:
            row = conn.execute(f"INSERT INTO public.{TABLE} (id) VALUES (%s) RETURNING inet_server_port()",
                               (value,)).fetchone()
        return Landed(True, int(str(row[0])) if row and row[0] is not None else None, "")
    except psycopg.Error as exc:
        return Landed(False, None, str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)


class Resume(threading.Thread):
    """After the kill: connect through the learner's string and write, again and again, until a
    write is acknowledged and a few more after it, or until `deadline` (monotonic)."""

    def __init__(self, conninfo: str, login: Login, acked: Acked, ids: itertools.count[int],
                 deadline: float, more_s: float = 0.5) -> None:
        super().__init__(name="ha-resume", daemon=True)
        self._conninfo, self._login, self._acked, self._ids = conninfo, login, acked, ids
        self._deadline, self._more_s = deadline, more_s
        self.first: float | None = None  # monotonic time of the first acknowledged write
        self.port: int | None = None
        self.attempts = 0
        self.last_error = ""
        self._ended = threading.Event()  # not _stop: threading.Thread has a method of that name

    def stop(self) -> None:
        self._ended.set()

    def run(self) -> None:
        while time.monotonic() < self._deadline and not self._ended.is_set():
            if self.first is not None and time.monotonic() - self.first >= self._more_s:
                return
            self.attempts += 1
            value = next(self._ids)
            landed = write_once(self._conninfo, self._login, value,
                                max(1.0, self._deadline - time.monotonic()))
            if landed.ok:
                self._acked.add(value)
                if self.first is None:
                    self.first, self.port = time.monotonic(), landed.port
                continue
            self.last_error = landed.error
            time.sleep(0.2)
