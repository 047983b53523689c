"""pg.config.wal: checkpoints spaced and spread for an OLTP write load."""

from __future__ import annotations

from harness.registry import CheckContext, check

from ..bounds import Bound, judge
from ..server import lab_server
from ..settings import GB

CHECK = "pg.config.wal"
BOUNDS = (
    Bound("max_wal_size", "bytes", 2 * GB, 16 * GB,
          "the 1GB default forces a checkpoint every few minutes under writes; beyond 16GB crash "
          "recovery replays too much"),
    Bound("checkpoint_timeout", "seconds", 10 * 60, 30 * 60,
          "5min writes every hot page again after each checkpoint (full-page writes); beyond 30min "
          "crash recovery takes too long"),
    Bound("checkpoint_completion_target", "number", 0.8, 0.95,
          "spread each checkpoint's writes over most of the interval", from_conf=False),
)


@check(CHECK, points=1, needs_app=False, timeout_s=90)
def checkpoints_fit_the_write_load(ctx: CheckContext) -> None:
    """max_wal_size and checkpoint_timeout space checkpoints for the OLTP write load."""
    with lab_server(ctx, CHECK) as lab:
        judge(lab, BOUNDS, CHECK, hint="Checkpoints should come from checkpoint_timeout, not from WAL "
                                       "filling max_wal_size: raise both within the stated bounds.")
