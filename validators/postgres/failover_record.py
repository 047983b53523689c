"""postgres/week-15's scenario, what it shares: the names, budgets and bounds, the record the
four pg.ha.* checks read, and the small helpers the scenario's parts (failover_scenario.py,
failover_promote.py, failover_rejoin.py) all use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import psycopg

from harness.outcomes import CannotCheck
from harness.services.postgres import LocalPostgres

from . import failover_client as client
from . import failover_servers as servers
from .server import HARNESS_OPTIONS

SETUP, FAILOVER, REJOIN = "setup-standby.sh", "failover.sh", "rejoin.sh"
NODE1, NODE2 = "node1", "node2"
REPLICATION_USER = "replicator"
RUN_AGAIN = "harness check week-15 --track postgres --only {check}"
GATE = "pg.ha.promoted"
# The harness's own statements on node1 never wait for a standby (the learner's
# synchronous_standby_names would hold them until node2 exists).
SETUP_OPTIONS = f"{HARNESS_OPTIONS} -c synchronous_commit=local"
SERVER_OPTIONS = {"logging_collector": "off", "log_destination": "stderr", "fsync": "off"}
# Budgets and bounds for a busy 2-core machine; every figure is measured and reported.
SETUP_BUDGET_S = 60.0
FAILOVER_BUDGET_S = 60.0
REJOIN_BUDGET_S = 90.0
STREAMING_S = 30.0
PROMOTE_BOUND_S = 20.0  # from the kill to node2 out of recovery
RESUME_BOUND_S = 30.0  # from node2's promotion to the client's first write acknowledged again
LOAD_S = 1.5  # writers on node1 before the freeze, at most: it ends once LOAD_COMMITS are acknowledged
# The writers connected and committing steadily (each commit waited for node2 when it is synchronous):
# the state the freeze needs. The writers make thousands a second here, so the wait ends within a
# fraction of LOAD_S; a slow machine or a slow standby still gets the whole LOAD_S, as before.
LOAD_COMMITS = 300  # 100 per writer on average
FROZEN_S = 1.0  # writers on node1 with its WAL sender stopped, before the kill
WRITERS = 3
# A writer that reconnects again and again is given this long past a bound before it is stopped.
CONNECT_GRACE_S = 2.0 * client.CONNECT_TIMEOUT_S
ANCHOR = "ha_anchor"  # a table whose file keeps its inode through pg_rewind, not through a new copy




class SetupFailed(Exception):
    def __init__(self, message: str, hint: str, evidence: str = "") -> None:
        super().__init__(message)
        self.message, self.hint, self.evidence = message, hint, evidence


@dataclass
class Record:
    """What the scenario saw; each check reads its part."""

    problem: SetupFailed | None = None
    cannot: CannotCheck | None = None  # the harness could not run the scenario (every check says so)
    sync_state: str = ""  # node2's in node1's pg_stat_replication before the kill
    acked: int = 0
    acked_frozen: int = 0  # acknowledged while node1's WAL sender was stopped
    missing: list[int] = field(default_factory=list)
    unread: str = ""  # why node2's ids could not be read
    failover: servers.ScriptRun | None = None
    promoted_s: float | None = None  # by failover.sh, from the kill
    never_asked: bool = False  # failover.sh exited without asking for a promotion (failover_promote.py)
    # When node2 became a primary (monotonic), by failover.sh or else by the harness itself, so
    # that the client and the rejoin are checked whatever failover.sh did; None: neither did.
    primary_at: float | None = None
    node2_log: str = ""
    conninfo_problem: client.ConninfoRefused | None = None
    before_kill: client.Landed | None = None
    # Before the kill, with the ports swapped in the string: the first server listed is then a
    # standby (node2), as node1 is once it rejoined, and the write must land on node1.
    swapped: client.Landed | None = None
    resumed_s: float | None = None
    resume_error: str = ""
    resume_attempts: int = 0
    rejoin: servers.ScriptRun | None = None
    rejoin_problem: str = ""
    rewound_in_place: bool | None = None
    rejoined_streaming_s: float | None = None
    node1_log: str = ""
    after_rejoin: client.Landed | None = None
    node2_port: int = 0
    node1_port: int = 0


class Node(Protocol):
    """A server of the scenario as its parts use it: LocalPostgres (check), JailedNode (grade)."""

    port: int
    admin_url: str

    def log_tail(self, lines: int = 20) -> str: ...


class Restartable(Node, Protocol):
    """node1 started again on its rewound folder."""

    def start(self, timeout_s: float) -> None: ...

    def stop(self) -> None: ...


class Ops(Protocol):
    """What the scenario does to the servers' processes and folders, and how it runs the learner's
    scripts: failover_servers.CheckOps (harness check: the unprivileged account) or
    failover_jail.JailOps (harness grade: the submission's jail)."""

    data1: Path
    data2: Path

    def script(self, name: str, text: str, env: Mapping[str, str], budget_s: float) -> servers.ScriptRun:
        """`env`: the script's own variables; PATH, LC_ALL, HOME and PGPASSFILE are added."""
        ...

    def freeze(self, sender: int) -> None:
        """SIGSTOP node1's process `sender` (its pid as node1 reports it)."""
        ...

    def kill_node1(self) -> None: ...

    def promote_requested(self) -> bool:
        """Whether node2's folder holds a `promote` file (or it cannot be told)."""
        ...

    def anchor_inode(self, relpath: str) -> int | None:
        """The inode of node1's file `relpath` (inside its folder), None when there is none."""
        ...

    def rejoined(self) -> Restartable: ...


def admin(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url, autocommit=True, connect_timeout=10, options=SETUP_OPTIONS)


def passfile_line(password: str) -> str:
    return f"127.0.0.1:*:*:{REPLICATION_USER}:{password}\n"


def passfile(home: Path, password: str) -> Path:
    return servers.write_private(home, "servers.pgpass", passfile_line(password))


def script_env(primary: LocalPostgres, **more: str) -> dict[str, str]:
    return {"PATH": f"{primary.binaries.bindir}:/usr/bin:/bin", "LC_ALL": "C", **more}


def in_recovery(url: str) -> bool | None:
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5, options=HARNESS_OPTIONS) as conn:
            row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
    except psycopg.OperationalError as exc:
        return True if "hot standby mode is disabled" in str(exc).lower() else None
    return bool(row and row[0])
