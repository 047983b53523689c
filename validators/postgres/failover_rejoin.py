"""postgres/week-15's last phase: rejoin.sh rewinds node1's folder (pg_rewind), the harness starts
node1 on it as a standby of node2 and writes once more through conninfo.txt. That the folder was
rewound, not copied anew, shows in a table's file: it keeps its inode (ANCHOR)."""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from pathlib import Path

import psycopg

from harness.errors import ServiceError
from harness.proc.reaper import Reaper
from harness.registry import CheckContext
from harness.runner.confined import OutsideProject, read_inside
from harness.services.postgres import LocalPostgres

from . import failover_client as client
from . import failover_servers as servers
from .failover_record import (
    ANCHOR,
    NODE1,
    REJOIN,
    REJOIN_BUDGET_S,
    REPLICATION_USER,
    SERVER_OPTIONS,
    STREAMING_S,
    Record,
    admin,
    in_recovery,
    passfile,
    script_env,
)
from .replica_pair import wait_for
from .server import HARNESS_OPTIONS


def anchor_inode(url: str, data: Path) -> int:
    with admin(url) as conn:
        row = conn.execute("SELECT pg_relation_filepath(%s)", (f"public.{ANCHOR}",)).fetchone()
    assert row is not None
    return os.stat(data / str(row[0])).st_ino


def rejoin(rec: Record, ctx: CheckContext, node1: LocalPostgres, node2: LocalPostgres, data1: Path, inode: int,
            password: str, conninfo: str, login: client.Login, ids: itertools.count[int],
            reaper: Reaper) -> None:
    try:
        text = read_inside(ctx.app.project_dir, REJOIN, servers.SCRIPT_BYTES)
    except (OSError, OutsideProject) as exc:
        rec.rejoin_problem = f"the project has no readable {REJOIN} ({exc})"
        return
    home = servers.home_for(data1, "rejoin")
    rec.rejoin = servers.run_script(REJOIN, text, home, script_env(
        node1, OLD_PRIMARY_DATA=str(data1), OLD_PRIMARY_NAME=NODE1, NEW_PRIMARY_HOST="127.0.0.1",
        NEW_PRIMARY_PORT=str(node2.port), REPLICATION_USER=REPLICATION_USER,
        PGPASSFILE=str(passfile(home, password))), REJOIN_BUDGET_S, reaper)
    if not rec.rejoin.ok:
        return
    with contextlib.suppress(OSError):
        rec.rewound_in_place = False
        rec.rewound_in_place = anchor_file_inode(data1, node2) == inode
    rejoined = servers.Rejoined(node1, data1, SERVER_OPTIONS, reaper)
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


def anchor_file_inode(data1: Path, node2: LocalPostgres) -> int:
    with psycopg.connect(node2.admin_url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
        row = conn.execute("SELECT pg_relation_filepath(%s)", (f"public.{ANCHOR}",)).fetchone()
    assert row is not None
    return os.stat(data1 / str(row[0])).st_ino


def streams_to(node2: LocalPostgres, name: str) -> bool:
    with psycopg.connect(node2.admin_url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
        return conn.execute("SELECT 1 FROM pg_stat_replication WHERE application_name = %s AND state = 'streaming'",
                            (name,)).fetchone() is not None
