"""The servers and scripts of postgres/week-15: the learner's scripts run as the unprivileged
account the servers run as, the primary killed as a crashed machine would lose it, and the old
primary started again on the folder the learner's rejoin.sh rewound.

Each script and server started here is registered with the run's cleanup sidecar (Reaper), as
every lab server is, so a Ctrl-C or a killed harness leaves none of them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import psycopg

from harness.proc.process import ManagedProcess, run_to_end
from harness.proc.procfs import processes
from harness.proc.reaper import Reaper
from harness.services import users
from harness.services.base import free_port, wait_until
from harness.services.postgres import SUPERUSER, LocalPostgres

from .server import ping_standby

SCRIPT_BYTES = 64 * 1024
# Children of a killed postmaster notice its death and exit within milliseconds when idle.
CHILDREN_GONE_S = 20.0


@dataclass
class ScriptRun:
    name: str
    code: int | None  # None: stopped at the end of its budget
    output: str
    seconds: float
    budget_s: float
    lost: str = ""  # why no exit code came back at all (grading: the jail stopped answering)

    @property
    def ok(self) -> bool:
        return self.code == 0

    def verdict(self) -> str:
        if self.lost:
            return f"{self.name} did not report back: {self.lost}"
        if self.code is None:
            return f"{self.name} did not finish within {self.budget_s:.0f} s (it was stopped)"
        return f"{self.name} exited with code {self.code} after {self.seconds:.1f} s"

    def tail(self, lines: int = 15) -> str:
        return f"{self.name} printed:\n" + ("\n".join(self.output.splitlines()[-lines:]) or "(no output)")


def home_for(data: Path, name: str) -> Path:
    """A scratch folder beside a server's data folder (removed with the server's folder)."""
    home = data.parent / name
    home.mkdir(mode=0o700, exist_ok=True)
    users.give(home, users.current())
    return home


def write_private(home: Path, name: str, text: str) -> Path:
    path = home / name
    path.write_text(text)
    path.chmod(0o600)
    users.give(path, users.current())
    return path


def run_script(name: str, text: str, home: Path, env: Mapping[str, str], budget_s: float, reaper: Reaper,
               server: LocalPostgres) -> ScriptRun:
    """The learner's script, with /bin/sh in `home`, as the unprivileged account (never root), as
    `server`'s processes start (Docker mode: a container of its image)."""
    script = write_private(home, name, text)
    account = users.current()  # None: the harness is not root, and the script runs as ourselves
    argv, full, uid, gid = server.run.tool(["/bin/sh", str(script)], {**env, "HOME": str(home)}, home, account)
    code, log, seconds = run_to_end(name, argv, cwd=home, env=full,
                                    timeout_s=budget_s, on_start=reaper.process_group, user=uid, group=gid)
    return ScriptRun(name, code, log.text(), seconds, budget_s)


def data_folder(url: str, options: str) -> Path:
    with psycopg.connect(url, autocommit=True, connect_timeout=10, options=options) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    assert row is not None
    return Path(str(row[0]))


def _children(pid: int) -> list[int]:
    return [child for child, fields in processes() if fields[1] == str(pid)]


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


def kill_primary(primary: LocalPostgres, data: Path, frozen: list[int]) -> None:
    """SIGKILL the postmaster and every process it started at once (a machine that died: no
    shutdown checkpoint, nothing flushed or sent after this), then wait until all are gone and
    let the server object reap what is its own. `frozen`: processes stopped with SIGSTOP before."""
    pid = int((data / "postmaster.pid").read_text().splitlines()[0])
    children = _children(pid)
    # The postmaster's leader pid is unreaped until halt(): it cannot be another process's yet.
    for target in (pid, *children, *frozen):
        with contextlib.suppress(ProcessLookupError):
            os.kill(target, signal.SIGKILL)
    deadline = time.monotonic() + CHILDREN_GONE_S
    while not all(_gone(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.02)
    primary.halt()


class CheckOps:
    """harness check: the scripts as the unprivileged account, each in a folder beside the server's
    folder it acts on; node1 killed and started again by the harness (failover_record.Ops)."""

    def __init__(self, node1: LocalPostgres, data1: Path, data2: Path, pgpass: str, options: Mapping[str, str],
                 reaper: Reaper) -> None:
        self._node1, self.data1, self.data2 = node1, data1, data2
        self._pgpass, self._options, self._reaper = pgpass, options, reaper
        self._frozen: list[int] = []

    def script(self, name: str, text: str, env: Mapping[str, str], budget_s: float) -> ScriptRun:
        home = home_for(self.data2 if name == "failover.sh" else self.data1, name.removesuffix(".sh"))
        full = {"PATH": f"{self._node1.binaries.bindir}:/usr/bin:/bin", "LC_ALL": "C", **env,
                "PGPASSFILE": str(write_private(home, "servers.pgpass", self._pgpass))}
        return run_script(name, text, home, full, budget_s, self._reaper, self._node1)

    def freeze(self, sender: int) -> None:
        os.kill(sender, signal.SIGSTOP)
        self._frozen.append(sender)

    def kill_node1(self) -> None:
        kill_primary(self._node1, self.data1, self._frozen)

    def promote_requested(self) -> bool:
        try:
            (self.data2 / "promote").stat()
        except FileNotFoundError:
            return False
        except OSError:
            return True  # unreadable: cannot tell
        return True

    def anchor_inode(self, relpath: str) -> int | None:
        try:
            return os.stat(self.data1 / relpath).st_ino
        except OSError:
            return None

    def rejoined(self) -> Rejoined:
        return Rejoined(self._node1, self.data1, self._options, self._reaper)


class Rejoined:
    """The old primary's postgres, started again on its own (rewound) data folder as a standby;
    stopped (fast shutdown, then SIGKILL) by stop(). Its folder stays the primary object's."""

    def __init__(self, primary: LocalPostgres, data: Path, options: Mapping[str, str], reaper: Reaper) -> None:
        self._primary, self._data, self._options, self._reaper = primary, data, options, reaper
        self._proc: ManagedProcess | None = None
        self.port = 0
        self.admin_url = ""
        self._stopped_log = ""

    def start(self, timeout_s: float) -> None:
        run = self._primary.run  # as node1 ran: a local process, or a container of its image
        uid, gid = run.start_ids()
        password = unquote(urlsplit(self._primary.admin_url).password or "")
        self.port = free_port()
        args = [str(self._primary.binaries.tool("postgres")), "-D", str(self._data), "-p", str(self.port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="]
        for key, value in self._options.items():
            args += ["-c", f"{key}={value}"]
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
        proc = ManagedProcess("postgres (rejoined)", run.wrap(args, env=env, cwd=self._data.parent),
                              cwd=self._data.parent, env=run.client_env(env), stop_signal=signal.SIGINT,
                              on_start=self._reaper.process_group, user=uid, group=gid)
        proc.start()
        self._proc = proc
        # pg_authid is the new primary's, replicated: the same superuser and password as before.
        self.admin_url = f"postgresql://{SUPERUSER}:{quote(password)}@127.0.0.1:{self.port}/postgres"
        wait_until("the old primary as a standby", self._ping, timeout_s=timeout_s, alive=proc.alive,
                   log_tail=partial(proc.tail, 20))

    def _ping(self) -> None:
        ping_standby(self.admin_url)

    def log_tail(self, lines: int = 20) -> str:
        return self._proc.tail(lines) if self._proc else "\n".join(self._stopped_log.splitlines()[-lines:])

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.stop(grace_s=5.0)
            self._stopped_log = self._proc.log.text()
            self._reaper.forget_process_group(self._proc.pid)
            self._proc = None
