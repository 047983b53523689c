"""pg.replica.read_only: the standby answers queries and refuses writes (SQLSTATE 25006)."""

from __future__ import annotations

import psycopg

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check

from .. import conflict
from ..replica_pair import READ_ONLY, RUN_AGAIN, replica_pair


@check(READ_ONLY, points=2, needs_app=False, timeout_s=150)
def standby_serves_reads_and_refuses_writes(ctx: CheckContext) -> Passed:
    """A hot standby: it takes read-only queries, a write fails with read_only_sql_transaction, and
    replay does not cancel a running read at once."""
    with replica_pair(ctx, READ_ONLY) as pair:
        refusal = pair.hot_standby_refusal()
        if refusal is not None:
            raise Failure("the standby streams but takes no connections",
                          expected="read-only queries answered on the standby (a hot standby)",
                          actual=" ".join(refusal.split()),
                          hint="hot_standby = on (the default) lets a standby answer queries while it replays; "
                               "remove the line that turns it off.",
                          evidence=pair.evidence(), reproduce=RUN_AGAIN.format(check=READ_ONLY))
        refused = False
        actual = ""
        with pair.standby_conn() as conn:
            row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
            # The harness's session sets default_transaction_read_only = off: a refusal comes from
            # recovery, not from a setting a promoted server would also have.
            try:
                conn.execute("CREATE TABLE public.write_probe (id int)")
            except psycopg.errors.ReadOnlySqlTransaction:
                refused = True
            except psycopg.Error as exc:
                actual = f"SQLSTATE {exc.sqlstate}: {str(exc).strip()}"
            else:
                actual = "the table was created"
        if refused:
            outcome = conflict.protects_reads(pair)
            return Passed("the standby is in recovery and refused a CREATE TABLE with 25006; " + outcome)
        raise Failure("the standby accepted a write" if actual.startswith("the table") else
                      "the standby refused a write, but not as a standby does",
                      expected="SQLSTATE 25006 (cannot execute CREATE TABLE in a read-only transaction)",
                      actual=f"{actual}; pg_is_in_recovery() = {bool(row and row[0])}",
                      hint="A standby is in recovery (standby.signal in its folder) and refuses every write.",
                      evidence=pair.evidence(), reproduce=RUN_AGAIN.format(check=READ_ONLY))
