"""pg.replica.visible: a row committed on the primary can be read on the standby within a bound."""

from __future__ import annotations

import secrets

import psycopg

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check

from ..replica_pair import READER, RUN_AGAIN, Pair, replica_pair, wait_for

CHECK = "pg.replica.visible"
# A streaming standby replays a commit within milliseconds on an idle machine; 15 s is room for a
# busy one. The wait ends as soon as the row is there.
VISIBLE_S = 15.0


def row_visible(pair: Pair) -> float | None:
    """Insert a row on the primary; the seconds until the standby shows it, None: not in VISIBLE_S."""
    token = secrets.token_hex(8)
    with pair.primary_conn() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS public.replica_probe (token text PRIMARY KEY, at timestamptz "
                     "NOT NULL DEFAULT clock_timestamp())")
        conn.execute("INSERT INTO public.replica_probe (token) VALUES (%s)", (token,))
    try:
        reader = pair.reader_conn()
    except psycopg.OperationalError as exc:
        raise Failure(f"the application's reader login {READER} cannot connect to the standby",
                      expected=f"{READER} (a password login from 127.0.0.1) admitted by the standby's pg_hba.conf",
                      actual=" ".join(str(exc).split()),
                      hint="A read replica is there for the application's readers: the standby's pg_hba.conf "
                           "must admit them as the primary's does (password logins from 127.0.0.1).",
                      evidence=pair.evidence(), reproduce=RUN_AGAIN.format(check=CHECK)) from None
    with reader as standby:
        def seen() -> bool:
            # The table is replayed with the row's transaction or before: look for it first.
            table = standby.execute("SELECT to_regclass('public.replica_probe')").fetchone()
            if table is None or table[0] is None:
                return False
            return standby.execute("SELECT EXISTS (SELECT FROM public.replica_probe WHERE token = %s)",
                                   (token,)).fetchone() == (True,)
        reached, seconds = wait_for(seen, VISIBLE_S)
    return seconds if reached else None


def _positions(pair: Pair) -> tuple[object, ...] | None:
    with pair.standby_conn() as standby:
        return standby.execute("SELECT current_setting('recovery_min_apply_delay'), "
                               "pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text").fetchone()


@check(CHECK, points=2, needs_app=False, timeout_s=150)
def primary_write_is_visible_on_the_standby(ctx: CheckContext) -> Passed:
    """A row inserted on the primary is readable on the standby, by the application's reader login,
    within 15 s."""
    with replica_pair(ctx, CHECK) as pair:
        pair.require_connections()
        seconds = row_visible(pair)
        settings = _positions(pair)
        evidence = pair.evidence()
    if seconds is not None:
        return Passed(f"a row committed on the primary was readable on the standby after {seconds * 1000:.0f} ms")
    delay, received, replayed = settings or ("?", "?", "?")
    raise Failure(f"a row committed on the primary was not readable on the standby within {VISIBLE_S:.0f} s",
                  expected=f"the row on the standby within {VISIBLE_S:.0f} s",
                  actual=f"received up to {received}, replayed up to {replayed}; recovery_min_apply_delay = {delay}",
                  hint="The standby receives WAL but does not replay it in time: a recovery_min_apply_delay "
                       "holds every commit back (a delayed standby is a backup, not a replica to read from).",
                  evidence=evidence, reproduce=RUN_AGAIN.format(check=CHECK))
