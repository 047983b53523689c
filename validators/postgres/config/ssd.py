"""pg.config.ssd: the planner and I/O settings say the data is on an SSD."""

from __future__ import annotations

from harness.registry import CheckContext, check

from ..bounds import Bound, judge
from ..server import lab_server

CHECK = "pg.config.ssd"
BOUNDS = (
    Bound("random_page_cost", "number", 1.0, 2.0,
          "an SSD reads a random page nearly as fast as the next one; 4 is for spinning disks, "
          "and below seq_page_cost (1) means nothing"),
    Bound("effective_io_concurrency", "number", 100, 1000,
          "an SSD serves many reads at once; 1 is for a single spinning disk"),
)


@check(CHECK, points=1, needs_app=False, timeout_s=90)
def planner_knows_the_disk_is_an_ssd(ctx: CheckContext) -> None:
    """random_page_cost and effective_io_concurrency are set for an SSD."""
    with lab_server(ctx, CHECK) as lab:
        judge(lab, BOUNDS, CHECK, hint="Set random_page_cost = 1.1 and effective_io_concurrency = 200 "
                                       "(the usual values for an SSD) in conf.d.")
