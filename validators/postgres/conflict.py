"""Part of pg.replica.read_only: a read running on the standby is not cancelled the moment replay
needs to remove rows it still sees (a recovery conflict). The standby may make replay wait for it
(max_standby_streaming_delay, 30 s by default) or keep the primary from removing them
(hot_standby_feedback); a delay of 0 cancels every such read at once."""

from __future__ import annotations

import psycopg

from harness.outcomes import Failure

from .replica_pair import READ_ONLY, RUN_AGAIN, Pair, wait_for

# Replay of a few kB reaches the conflict within milliseconds; 15 s is room for a busy machine.
WAIT_S = 15.0
HINT = ("A standby that cancels every read replay conflicts with is no read replica: keep "
        "max_standby_streaming_delay at a delay (30s, the default) or turn hot_standby_feedback on; "
        "0 cancels such a read at once.")


def _replayed(pair: Pair, lsn: str) -> bool:
    with pair.standby_conn() as conn:
        row = conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,)).fetchone()
    return bool(row and row[0])


def _current_lsn(pair: Pair) -> str:
    with pair.primary_conn() as conn:
        row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
    return str(row[0]) if row else "0/0"


def _waiting(pair: Pair) -> bool:
    """Whether replay waits for a read it conflicts with. Asked on a connection of its own each
    time: the harness's own queries on the standby take snapshots too, and with a delay of 0
    replay cancels them (or ends their session) like any read, which says nothing yet."""
    try:
        with pair.standby_conn() as watch:
            row = watch.execute("SELECT wait_event FROM pg_stat_activity WHERE backend_type = 'startup'").fetchone()
    except psycopg.OperationalError:
        return False
    return bool(row and row[0] == "RecoveryConflictSnapshot")


def _settings(pair: Pair) -> tuple[object, ...] | None:
    """The standby's delay and feedback settings, for the message (None if replay cancelled the ask)."""
    try:
        with pair.standby_conn() as conn:
            return conn.execute("SELECT current_setting('max_standby_streaming_delay'), "
                                "current_setting('hot_standby_feedback')").fetchone()
    except psycopg.OperationalError:
        return None


def _feedback_received(pair: Pair, reader: psycopg.Connection[tuple[object, ...]]) -> None:
    """With hot_standby_feedback on, wait until the primary holds back its cleanup for the
    reader's snapshot, as it does on a standby in service: the standby tells the primary its oldest
    snapshot every wal_receiver_status_interval (10 s), and a read begun since is not covered yet.
    A reload makes the standby's WAL receiver send it at once. Where the primary never hears of it
    (feedback off, or an interval of 0), the conflict below shows what that means."""
    row = reader.execute("SELECT current_setting('hot_standby_feedback'), "
                         "pg_snapshot_xmin(pg_current_snapshot())::text::bigint").fetchone()
    if row is None or row[0] != "on":
        return
    oldest = row[1]
    with pair.standby_conn() as conn:
        conn.execute("SELECT pg_reload_conf()")

    def covered() -> bool:
        with pair.primary_conn() as conn:
            held = conn.execute(
                "SELECT least((SELECT min(xmin::text::bigint) FROM pg_replication_slots), "
                "(SELECT min(backend_xmin::text::bigint) FROM pg_stat_replication))").fetchone()
        horizon = held[0] if held else None
        return isinstance(horizon, int) and isinstance(oldest, int) and horizon <= oldest
    wait_for(covered, WAIT_S)


def protects_reads(pair: Pair) -> str:
    """What protected a running read from replay; raises Failure when replay cancelled it."""
    # public.conflict_probe was made on the primary before the standby was copied from it
    # (replica_pair.CONFLICT_TABLE): the standby has its rows from its start.
    with pair.standby_conn() as reader:
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT count(*) FROM public.conflict_probe")  # the snapshot sees every row
        _feedback_received(pair, reader)
        with pair.primary_conn() as conn:
            conn.execute("DELETE FROM public.conflict_probe")
            conn.execute("VACUUM public.conflict_probe")  # removes rows the standby's read still sees
        vacuumed = _current_lsn(pair)
        state: dict[str, str] = {}

        def settled() -> bool:
            # Whether replay passed the cleanup is read before the read is tried again: replay
            # passes it only once a read it conflicts with is cancelled (or its session ended),
            # so a read that still answers after that was not. Read in the other order, a
            # cancellation between the two would look like a read replay never touched.
            try:
                replayed = _replayed(pair, vacuumed)
            except psycopg.OperationalError:
                return False  # see _waiting
            try:
                reader.execute("SELECT count(*) FROM public.conflict_probe")
            except psycopg.Error as exc:
                state["cancelled"] = " ".join(str(exc).split())
                return True
            if _waiting(pair):
                state["protected"] = "replay waits for the running read (max_standby_streaming_delay)"
                return True
            if replayed:
                state["protected"] = "replay passed the cleanup without cancelling the read (hot_standby_feedback)"
                return True
            return False
        wait_for(settled, WAIT_S)  # what settled says is in `state`
        if "cancelled" in state:
            # Replay cancelled the read, or ended the session when it found it idle in its
            # transaction (FATAL): closed here, as leaving the block would otherwise COMMIT on a
            # session the server may already have ended, an error of its own.
            reader.close()
        else:
            reader.execute("ROLLBACK")  # replay goes on
        delay = _settings(pair)
    if "cancelled" in state:
        shown = f"max_standby_streaming_delay = {delay[0]}, hot_standby_feedback = {delay[1]}" if delay else ""
        raise Failure("replay on the standby cancelled a running read at once",
                      expected="a read in progress kept while replay removes rows it sees (replay waits, or "
                               "the primary keeps the rows)",
                      actual=f"{state['cancelled']}; {shown}", hint=HINT, evidence=pair.evidence(),
                      reproduce=RUN_AGAIN.format(check=READ_ONLY))
    return state.get("protected", "(the conflict did not settle in time: not judged)")
