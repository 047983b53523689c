"""postgres/week-15's last phase: rejoin.sh rewinds node1's folder (pg_rewind), the harness starts
node1 on it as a standby of node2 and writes once more through conninfo.txt. That the folder was
rewound, not copied anew, shows in a table's file: it keeps its inode (ANCHOR)."""

from __future__ import annotations

import contextlib
import itertools
import time

import psycopg

from harness.errors import ServiceError
from harness.registry import CheckContext
from harness.runner.confined import OutsideProject, read_inside

from . import failover_client as client
from . import failover_servers as servers
from .failover_record import (
    ANCHOR,
    NODE1,
    REJOIN,
    REJOIN_BUDGET_S,
    REPLICATION_USER,
    STREAMING_S,
    Node,
    Ops,
    Record,
    admin,
    in_recovery,
)
from .replica_pair import wait_for
from .server import HARNESS_OPTIONS


def anchor_path(url: str) -> str:
    """The anchor table's file, relative to the server's folder (the same on every copy)."""
    with admin(url) as conn:
        row = conn.execute("SELECT pg_relation_filepath(%s)", (f"public.{ANCHOR}",)).fetchone()
    assert row is not None
    return str(row[0])


def rejoin(rec: Record, ctx: CheckContext, ops: Ops, node2: Node, inode: int | None, conninfo: str,
           login: client.Login, ids: itertools.count[int]) -> None:
    try:
        text = read_inside(ctx.app.project_dir, REJOIN, servers.SCRIPT_BYTES)
    except (OSError, OutsideProject) as exc:
        rec.rejoin_problem = f"the project has no readable {REJOIN} ({exc})"
        return
    rec.rejoin = ops.script(REJOIN, text, {
        "OLD_PRIMARY_DATA": str(ops.data1), "OLD_PRIMARY_NAME": NODE1, "NEW_PRIMARY_HOST": "127.0.0.1",
        "NEW_PRIMARY_PORT": str(node2.port), "REPLICATION_USER": REPLICATION_USER}, REJOIN_BUDGET_S)
    if not rec.rejoin.ok:
        return
    rec.rewound_in_place = False
    with contextlib.suppress(psycopg.Error):
        # The path as node2 names it now; the file's inode read by the harness itself.
        rec.rewound_in_place = inode is not None and ops.anchor_inode(anchor_path(node2.admin_url)) == inode
    rejoined = ops.rejoined()
    try:
        try:
            rejoined.start(STREAMING_S)
        except ServiceError as exc:
            rec.rejoin_problem = f"node1 did not start from its rewound folder: {exc.message}"
            rec.node1_log = exc.log_tail
            return
        started = time.monotonic()
        if in_recovery(rejoined.admin_url) is False:
            rec.rejoin_problem = "node1 started as a primary again (pg_is_in_recovery() is false on it): there " \
                                 "is no standby.signal in its folder"
        elif wait_for(lambda: streams_to(node2, NODE1), STREAMING_S)[0]:
            rec.rejoined_streaming_s = time.monotonic() - started
            if conninfo:
                rec.after_rejoin = client.write_once(client.fill(conninfo, rejoined.port, node2.port), login,
                                                     next(ids))
        else:
            rec.rejoin_problem = f"node1 does not stream from node2 as {NODE1!r} {STREAMING_S:.0f} s after it started"
        rec.node1_log = rejoined.log_tail(15)
    finally:
        rejoined.stop()


def streams_to(node2: Node, name: str) -> bool:
    with psycopg.connect(node2.admin_url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
        return conn.execute("SELECT 1 FROM pg_stat_replication WHERE application_name = %s AND state = 'streaming'",
                            (name,)).fetchone() is not None
