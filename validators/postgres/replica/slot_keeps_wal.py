"""pg.replica.slot_keeps_wal: the standby's replication slot holds the WAL it misses while it is
stopped, and the standby catches up from it once it runs again."""

from __future__ import annotations

from harness.errors import ServiceError
from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check

from ..replica_pair import RUN_AGAIN, Pair, replica_pair, wait_for

CHECK = "pg.replica.slot_keeps_wal"
# Segments the primary finishes while the standby is down: without a slot, the checkpoint after
# them recycles all but the newest (the primary keeps no other WAL for standbys: wal_keep_size = 0).
SEGMENTS = 3
# Receiving 3 segments (48 MB at most, little of it written) takes a second on an idle machine.
CATCH_UP_S = 30.0
HINT = ("pg_basebackup -C -S <name> creates a physical slot on the primary and, with -R, names it in the "
        "standby's primary_slot_name; the primary then keeps every segment the slot's standby has not "
        "received, however long it is away.")


def _slot(pair: Pair) -> tuple[str, str, str] | None:
    """(slot name, restart_lsn, its segment) of the slot the standby streams through. (At a segment
    boundary pg_walfile_name names the segment before: + 1 names the one restart_lsn is in.)"""
    with pair.primary_conn() as conn:
        row = conn.execute("SELECT s.slot_name, s.restart_lsn::text, pg_walfile_name(s.restart_lsn + 1) "
                           "FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid "
                           "WHERE s.slot_type = 'physical' AND s.restart_lsn IS NOT NULL").fetchone()
    return (str(row[0]), str(row[1]), str(row[2])) if row else None


def _inactive(pair: Pair, name: str) -> bool:
    with pair.primary_conn() as conn:
        row = conn.execute("SELECT NOT active FROM pg_replication_slots WHERE slot_name = %s", (name,)).fetchone()
    return row is None or bool(row[0])


@check(CHECK, points=2, needs_app=False, timeout_s=150)
def slot_keeps_wal_while_the_standby_is_away(ctx: CheckContext) -> Passed:
    """While the standby is stopped its slot holds restart_lsn and the WAL from there on; restarted,
    the standby receives everything written meanwhile."""
    with replica_pair(ctx, CHECK) as pair:
        pair.require_connections()
        held = _slot(pair)
        if held is None:
            raise Failure("the standby streams without a replication slot",
                          expected="a physical slot on the primary, active for the standby",
                          actual="pg_replication_slots has none in use by the standby's connection",
                          hint=HINT, evidence=pair.evidence(), reproduce=RUN_AGAIN.format(check=CHECK))
        name = held[0]
        pair.standby.halt()
        # The standby's last reply may move restart_lsn as it stops: what the slot holds is read
        # once nobody streams through it.
        wait_for(lambda: _inactive(pair, name), CATCH_UP_S)
        with pair.primary_conn() as conn:
            got = conn.execute("SELECT restart_lsn::text, pg_walfile_name(restart_lsn + 1) FROM pg_replication_slots "
                               "WHERE slot_name = %s", (name,)).fetchone()
        restart_lsn, segment = (str(got[0]), str(got[1])) if got else held[1:]
        with pair.primary_conn() as conn:
            conn.execute("CREATE TABLE public.slot_probe (id int)")
            for i in range(SEGMENTS):
                conn.execute("INSERT INTO public.slot_probe VALUES (%s)", (i,))
                conn.execute("SELECT pg_switch_wal()")
            conn.execute("CHECKPOINT")
            row = conn.execute("SELECT restart_lsn::text, active, pg_current_wal_lsn()::text, "
                               "EXISTS (SELECT FROM pg_ls_waldir() WHERE name = %s), "
                               "(SELECT count(*) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$' AND name >= %s) "
                               "FROM pg_replication_slots WHERE slot_name = %s", (segment, segment, name)).fetchone()
        if row is None:
            raise Failure(f"the slot {name} disappeared when the standby stopped",
                          expected=f"slot {name} kept while its standby is away", actual="no such slot",
                          hint=f"A temporary slot (pg_basebackup without -C) lives only as long as its "
                               f"connection. {HINT}", evidence=pair.evidence(), reproduce=RUN_AGAIN.format(check=CHECK))
        now_restart, active, target, kept, kept_count = row
        if now_restart != restart_lsn or not kept:
            raise Failure(f"the slot {name} did not keep the WAL its stopped standby needs",
                          expected=f"restart_lsn held at {restart_lsn} and segment {segment} in pg_wal",
                          actual=f"restart_lsn {now_restart}, active {active}; {segment} "
                                 f"{'kept' if kept else 'removed'}",
                          hint=HINT, evidence=pair.evidence(), reproduce=RUN_AGAIN.format(check=CHECK))
        try:
            pair.standby.start()
        except ServiceError as exc:
            raise Failure("the standby did not start again", expected="the standby back, streaming",
                          actual=exc.message, hint="Its log below says why.", evidence=exc.log_tail or None,
                          reproduce=RUN_AGAIN.format(check=CHECK)) from None
        with pair.standby_conn() as standby:
            def caught_up() -> bool:
                got = standby.execute("SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn", (target,)).fetchone()
                return bool(got and got[0])
            reached, seconds = wait_for(caught_up, CATCH_UP_S)
            received = standby.execute("SELECT pg_last_wal_receive_lsn()::text").fetchone()
    if not reached:
        raise Failure(f"the standby did not catch up within {CATCH_UP_S:.0f} s of its restart",
                      expected=f"WAL received up to {target}", actual=f"received up to {received and received[0]}",
                      hint=f"The standby must stream through its slot again after a restart. {HINT}",
                      evidence=pair.evidence(), reproduce=RUN_AGAIN.format(check=CHECK))
    return Passed(f"slot {name} held restart_lsn {restart_lsn} and {kept_count} segments from {segment} while the "
                  f"standby was stopped; restarted, it received them in {seconds:.1f} s")
