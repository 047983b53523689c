"""Part of postgres/week-15's scenario: whether anything asked node2 to promote itself, so that a
failover.sh that exited without promoting it is known at once instead of at PROMOTE_BOUND_S.

Every way to promote a PostgreSQL 15 standby leaves a trace until the promotion has begun:
pg_ctl promote and pg_promote() write the file `promote` in its data folder, and the startup
process logs "received promote request" before it removes that file (promote_trigger_file, the
other way, names a file anywhere: a standby with one set is never judged early). The log is
read through a pipe, so the harness writes a line of its own to the same log after it saw the
file gone: once that line is read, every line written before it was too. Whatever cannot be
told (the file unreadable, the line not logged, lines dropped from the kept log) counts as a
promotion under way, and the scenario waits for the bound as before. Nothing here depends on
how fast the machine is: it reads what happened, not when."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable

import psycopg

from .failover_record import Node, in_recovery
from .replica_pair import wait_for
from .server import HARNESS_OPTIONS

REQUESTED = ("received promote request", "promote trigger file found")
DROPPED = "lines not kept"
KEPT_LINES = 100_000  # every line the server's log buffer holds
POLL_S = 0.05
UNLOGGED = ("fatal", "panic")  # log_min_messages levels that leave LOG lines out of the log


def _mark(node: Node, marker: str) -> bool:
    """Log `marker` from a session of node2's; False when no line of level LOG reaches the log
    from it, or promote_trigger_file names a file the harness cannot watch."""
    try:
        with psycopg.connect(node.admin_url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
            trigger = conn.execute("SELECT current_setting('promote_trigger_file', true)").fetchone()
            if trigger is not None and trigger[0]:
                return False
            # A level set for the harness's role alone would log this line and not the startup
            # process's: only the server-wide level counts.
            level = conn.execute("SELECT setting, source FROM pg_settings WHERE name = 'log_min_messages'").fetchone()
            if level is None or level[0] in UNLOGGED or level[1] in ("user", "database", "session", "client"):
                return False
            conn.execute(f"DO $$ BEGIN RAISE LOG '{marker}'; END $$")
    except psycopg.Error:
        return False
    return True


def never_requested(node: Node, requested: Callable[[], bool], until: float) -> bool:
    """True: no promotion of `node` was asked for, and none can begin (the script that could have
    asked has exited and its processes are gone). False: one was, or it cannot be told by `until`
    (a monotonic time). `requested`: whether the `promote` file is in node2's folder (Ops)."""
    if requested():
        return False
    marker = f"harness promotion probe {secrets.token_hex(8)}"
    if not _mark(node, marker):
        return False
    while True:
        log = node.log_tail(KEPT_LINES)
        if marker in log:
            return DROPPED not in log and not any(line in log for line in REQUESTED)
        if time.monotonic() >= until:
            return False
        time.sleep(POLL_S)


HARNESS_PROMOTE_S = 30


def promote_as_harness(node2: Node) -> float | None:
    """failover.sh did not promote node2: the harness does (pg_promote), so that the checks of the
    client and of the rejoin still run. When node2 became a primary; None: it did not."""
    try:
        with psycopg.connect(node2.admin_url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
            row = conn.execute("SELECT pg_promote(true, %s)", (HARNESS_PROMOTE_S,)).fetchone()
    except psycopg.Error:  # promoted meanwhile (failover.sh, after the bound) or not reachable
        return time.monotonic() if in_recovery(node2.admin_url) is False else None
    return time.monotonic() if row == (True,) else None


def watch(url: str, killed_at: float, bound_s: float, promoted: list[float], given_up: threading.Event) -> None:
    """Append to `promoted` the seconds from the kill to node2 out of recovery, if that comes
    within `bound_s` of the kill and before `given_up` is set."""
    def out_of_recovery() -> bool:
        if given_up.is_set():
            return True
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=2, options=HARNESS_OPTIONS) as conn:
                return conn.execute("SELECT pg_is_in_recovery()").fetchone() == (False,)
        except psycopg.Error:
            return False

    reached, _ = wait_for(out_of_recovery, max(0.0, killed_at + bound_s - time.monotonic()))
    if reached and not given_up.is_set():
        promoted.append(time.monotonic() - killed_at)
