"""pg.replica.streaming: the standby the learner's script built streams from the primary, under
the name the lab gives it."""

from __future__ import annotations

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check

from ..replica_pair import RUN_AGAIN, SCRIPT, STANDBY_NAME, STREAMING, replica_pair


@check(STREAMING, points=2, needs_app=False, timeout_s=150)
def standby_streams_from_the_primary(ctx: CheckContext) -> Passed:
    """The primary's pg_stat_replication shows the standby in state `streaming`, named replica1."""
    with replica_pair(ctx, STREAMING) as pair:
        row = pair.walsender
        evidence = pair.evidence()
    name = str(row["application_name"] or "")
    if name != STANDBY_NAME:
        raise Failure(f"the standby streams, but the primary cannot tell it by name: it calls itself {name!r}",
                      expected=f"application_name {STANDBY_NAME!r} ($STANDBY_NAME) in pg_stat_replication",
                      actual=f"application_name {name!r}",
                      hint="Put application_name=$STANDBY_NAME in the standby's primary_conninfo (pg_basebackup "
                           "-d 'application_name=...' -R writes it): monitoring and synchronous_standby_names name "
                           "standbys by it; 'walreceiver' is every standby's default.",
                      evidence=evidence, reproduce=RUN_AGAIN.format(check=STREAMING))
    return Passed(f"the standby {SCRIPT} built streams from the primary as {name} ({row['sync_state']}); "
                  "both ran from local binaries")
