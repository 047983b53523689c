"""pg.replica.streaming: the standby the learner's script built streams from the primary."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .replica import SCRIPT, STREAMING, replica_pair


@check(STREAMING, points=2, needs_app=False, timeout_s=150)
def standby_streams_from_the_primary(ctx: CheckContext) -> Passed:
    """The primary's pg_stat_replication shows the standby in state `streaming`."""
    with replica_pair(ctx, STREAMING) as pair:
        row = pair.walsender
        return Passed(f"the standby {SCRIPT} built streams from the primary (application_name "
                      f"{row['application_name'] or '-'}, {row['sync_state']}); both ran from local binaries")
