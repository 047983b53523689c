"""pg.config.memory: the memory settings sized for the lab's machine (16 GB, 200 connections)."""

from __future__ import annotations

from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..bounds import CONNECTIONS, RAM, Bound, judge
from ..server import RUN_AGAIN, lab_server
from ..settings import MB, human_bytes

CHECK = "pg.config.memory"
BOUNDS = (
    Bound("shared_buffers", "bytes", 0.15 * RAM, 0.40 * RAM,
          "15-40% of RAM: PostgreSQL's own cache; the OS page cache holds the rest"),
    Bound("effective_cache_size", "bytes", 0.50 * RAM, 0.80 * RAM,
          "50-80% of RAM: what shared_buffers and the OS cache hold together, for the planner"),
    Bound("max_connections", "number", CONNECTIONS, 2 * CONNECTIONS,
          f"the workload's {CONNECTIONS} connections; beyond twice that, a pooler serves better than processes"),
    Bound("work_mem", "bytes", 4 * MB, None, "below the 4MB default, OLTP sorts and hashes spill to disk"),
    Bound("maintenance_work_mem", "bytes", 256 * MB, 1024 * MB,
          "VACUUM and index builds on 16 GB; up to 3 autovacuum workers may each use it"),
)
# shared_buffers plus one work_mem per connection stays within half the RAM: the other half is
# the OS page cache effective_cache_size counts on, and the queries that use several work_mem.
BUDGET = 0.50 * RAM


@check(CHECK, points=2, needs_app=False, timeout_s=90)
def memory_is_sized_for_the_machine(ctx: CheckContext) -> None:
    """shared_buffers, effective_cache_size, work_mem x max_connections fit 16 GB RAM."""
    hint = "Size each for 16 GB of RAM and 200 connections, as the README's table says."
    with lab_server(ctx, CHECK) as lab:
        found = judge(lab, BOUNDS, CHECK, hint=hint)
    shared, work, connections = found["shared_buffers"], found["work_mem"], found["max_connections"]
    total = shared.bytes + connections.number * work.bytes
    if total > BUDGET:
        raise Failure(
            f"shared_buffers + max_connections x work_mem = {human_bytes(total)}, over the budget of "
            f"{human_bytes(BUDGET)} (half of the 16 GB RAM)",
            expected=f"shared_buffers + max_connections x work_mem <= {human_bytes(BUDGET)}",
            actual=f"{shared.shown()} + {connections.setting} x {work.shown()}",
            hint="Every connection may use work_mem (more than once per query): lower work_mem "
                 f"(at {connections.setting} connections, at most "
                 f"{human_bytes((BUDGET - shared.bytes) / connections.number)}) or shared_buffers.",
            reproduce=RUN_AGAIN.format(check=CHECK),
        )
