"""postgres/week-15's scenario under `harness grade`: node1, node2 and the learner's three scripts
in the submission's one jail (failover_jail.py says why one, and how); the scenario itself
(failover_scenario.scenario) is the same as under `harness check`, through JailOps.

node1 is the submission's own server here, not the harness's: initdb runs in the jail, as the
submission, with a superuser password made for this scenario, and the learner's conf.d is laid
out in it there. So no server of the scenario is trusted, and none needs to be: the harness only
connects to them as a client, with logins that open these two servers and nothing else, and
reads their folders through replica/jailed.py's Scratch (never through a link).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path

from harness.errors import ServiceError
from harness.outcomes import CannotCheck
from harness.registry import CheckContext
from harness.services.pg_binaries import find_binaries

from . import failover_rejoin as rejoining
from .conf import CONF_DIR, ConfFile
from .failover_jail import FOLDER, Jail, JailedNode, JailGone, initdb_command
from .failover_record import (
    NODE2,
    REPLICATION_USER,
    SERVER_OPTIONS,
    SETUP,
    SETUP_BUDGET_S,
    Record,
    SetupFailed,
    admin,
    passfile_line,
)
from .failover_servers import ScriptRun
from .replica.jailed import Scratch, check_account

INITDB_S = 60.0


class JailOps:
    """harness grade: failover_record.Ops through the scenario's jail."""

    def __init__(self, jail: Jail, node1: JailedNode, data2: Path, pgpass: Path, password: str) -> None:
        self._jail, self._node1, self.data1, self.data2 = jail, node1, node1.data, data2
        self._pgpass, self._password = pgpass, password

    def script(self, name: str, text: str, env: Mapping[str, str], budget_s: float) -> ScriptRun:
        return self._jail.script(name, text, {**env, "PGPASSFILE": str(self._pgpass)}, budget_s)

    def freeze(self, sender: int) -> None:
        self._jail.freeze(self.data1, sender)

    def kill_node1(self) -> None:
        self._jail.kill(self.data1)

    def promote_requested(self) -> bool:
        return self._jail.scratch.lstat(self.data2.name, "promote") is not None

    def anchor_inode(self, relpath: str) -> int | None:
        found = self._jail.scratch.lstat(self.data1.name, *relpath.split("/"))
        return found.st_ino if found is not None else None

    def rejoined(self) -> JailedNode:
        return JailedNode(self._jail, "node1", self.data1, SERVER_OPTIONS, self._password, log="node1-rejoined.log")


def scenario(ctx: CheckContext, rec: Record, conf: list[ConfFile], setup: str, failover: str, conninfo: str) -> None:
    """Raises SetupFailed (the submission's) or CannotCheck (the harness's); nothing of the
    scenario is left when it returns or raises: the jail ended, its folder removed."""
    binaries, _ = find_binaries()
    if binaries is None:
        raise CannotCheck("no PostgreSQL server binaries found for the scenario's servers")
    scratch = Scratch(ctx.app.project_dir, FOLDER)
    jail = Jail(ctx, scratch, binaries)
    try:
        check_account(ctx, scratch, SETUP)
        jail.start()
        _servers(ctx, rec, jail, conf, setup, failover, conninfo)
    except JailGone as exc:
        raise SetupFailed(str(exc), "Something the scripts or servers ran stopped the scenario's own commands: "
                                    "run them by hand as the README shows.") from None
    finally:
        jail.stop()
        scratch.remove()


def _servers(ctx: CheckContext, rec: Record, jail: Jail, conf: list[ConfFile], setup: str, failover: str,
             conninfo: str) -> None:
    scratch = jail.scratch
    superuser = secrets.token_urlsafe(18)
    pwfile = scratch.write("superuser.pw", superuser + "\n")
    files = [(file.name, scratch.write(f"conf.{n}", file.text)) for n, file in enumerate(conf)]
    data1, data2 = scratch.path / "data1", scratch.path / "data2"
    code, output, _ = jail.run(initdb_command(data1, pwfile, files, CONF_DIR), INITDB_S)
    if code != 0:
        raise CannotCheck(f"initdb did not make node1's cluster in the submission's jail (exit {code}): "
                          f"{output[-500:]}")
    node1 = JailedNode(jail, "node1", data1, SERVER_OPTIONS, superuser)
    try:
        node1.start()
    except ServiceError as exc:
        raise SetupFailed(f"node1 did not start with your conf.d: {exc.message}",
                          "The server's log below names the setting it refused.", exc.log_tail) from None
    with admin(node1.admin_url) as conn:  # the learner's synchronous_standby_names from here on
        conn.execute("ALTER SYSTEM RESET synchronous_standby_names")
        conn.execute("SELECT pg_reload_conf()")
    password, writer_password = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    # The cycle: failover_scenario reaches this module only when it grades.
    from .failover_scenario import prepare_node1
    from .failover_scenario import scenario as run_scenario

    prepare_node1(node1.admin_url, password, writer_password)
    anchor = scratch.lstat(data1.name, *rejoining.anchor_path(node1.admin_url).split("/"))
    pgpass = scratch.write("servers.pgpass", passfile_line(password))
    run = jail.script(SETUP, setup, {
        "PRIMARY_HOST": "127.0.0.1", "PRIMARY_PORT": str(node1.port), "REPLICATION_USER": REPLICATION_USER,
        "PGPASSFILE": str(pgpass), "STANDBY_DATA": str(data2), "STANDBY_NAME": NODE2}, SETUP_BUDGET_S)
    if not run.ok or not scratch.has_cluster(data2.name):
        verdict = run.verdict() if not run.ok else f"{SETUP} exited 0 but left no cluster in $STANDBY_DATA"
        raise SetupFailed(verdict, "Run the script by hand against a primary of your own (the README shows how) "
                                   "and fix what it prints.", run.tail())
    node2 = JailedNode(jail, "node2", data2, SERVER_OPTIONS, superuser)
    try:
        node2.start()
    except ServiceError as exc:
        raise SetupFailed(f"node2 did not start from the folder {SETUP} built: {exc.message}",
                          "The standby's log below names what it refused.",
                          f"{run.tail()}\nnode2's log:\n{exc.log_tail}") from None
    ops = JailOps(jail, node1, data2, pgpass, superuser)
    run_scenario(rec, ctx, node1, node2, ops, anchor.st_ino if anchor is not None else None, writer_password,
                 failover, conninfo)
