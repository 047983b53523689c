"""What the replica checks read again rather than fail on: a standby query cancelled by replay."""

from __future__ import annotations

import psycopg
from psycopg import errors

from harness.validators.postgres.replica_pair import recovery_conflict


def test_a_recovery_conflict_is_told_from_other_errors() -> None:
    assert recovery_conflict(errors.SerializationFailure("canceling statement due to conflict with recovery"))
    assert recovery_conflict(psycopg.OperationalError("terminating connection due to conflict with recovery"))
    # Ended mid-query by the standby, as libpq may report it (seen with max_standby_streaming_delay = 0
    # under pgbench's writes): pg.replica.lag_bounded reads again, and a standby that really stopped
    # refuses that next connection, which is no conflict.
    assert recovery_conflict(psycopg.OperationalError(
        "consuming input failed: server closed the connection unexpectedly\n\tThis probably means the server "
        "terminated abnormally\n\tbefore or while processing the request."))
    assert not recovery_conflict(psycopg.OperationalError("connection refused"))
    assert not recovery_conflict(errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction"))
