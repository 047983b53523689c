"""postgres/week-15 when grading: both servers and every script of the scenario run as the
submission, in one jail of its own; the harness stays outside, a client of those servers.

Why one jail for all of them: failover.sh and rejoin.sh act on the servers' processes, not only
on their folders. pg_ctl promote signals the pid that node2's postmaster.pid names, and
pg_rewind starts node1's crashed folder in single-user mode, which reads node1's postmaster.pid
to tell a live server from a dead one. Those pids are pids of the jail's PID namespace; a script
in another jail (a namespace of its own) would signal, or see alive, some other process of its
own. So the harness starts one jail through the project's launcher (ctx.app.start_command: the
submission's uid, its cgroups, a read-only machine, its own PID namespace, the worker's network
namespace), a small driver in it (DRIVER, run by /bin/sh as the submission), and hands it
commands: initdb and the learner's conf.d for node1, a server to start, a script to run with its
budget. The driver and everything it starts are the submission's; a submission that kills or
fools the driver only stops or falsifies its own scenario (the harness waits for each command
within a bound, and reads only files of the submission's folder, through replica/jailed.py's
Scratch: never through a link, a regular file only, a bounded tail).

From outside, as root, the harness does only what it does to any process of a submission: it
freezes node1's WAL sender (SIGSTOP) and kills node1's processes (SIGKILL), found among the
jail's own descendants (the pid PostgreSQL reports is the jail's; /proc's NSpid maps it) and
signalled through a pidfd. It runs no PostgreSQL tool and opens no file of the scenario's but
through Scratch. Its superuser on both servers is `harness`, with a password made for this
scenario (initdb's --pwfile, in the submission's folder): it opens these two servers and nothing
else. What those servers answer is the submission's word: docs/grading.md says which verdicts a
hostile submission could fake that way, and why that is acceptable.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from urllib.parse import quote

from harness import systools as tools
from harness.errors import EnvironmentProblem, ServiceError
from harness.outcomes import CannotCheck
from harness.proc.process import ManagedProcess
from harness.proc.procfs import processes
from harness.registry import CheckContext
from harness.services.base import free_port, wait_until
from harness.services.pg_binaries import PgBinaries
from harness.services.postgres import SUPERUSER

from .failover_servers import CHILDREN_GONE_S, ScriptRun
from .replica.jailed import Scratch
from .server import ping_standby

FOLDER = "ha"
DRIVER = "driver.sh"
POLL_S = "0.05"  # the driver's look for the next command: a fork every 50 ms while it waits
# The driver runs command N once cmd.N appears, its output in out.N, its exit code in rc.N.
DRIVER_TEXT = f"""# The harness's driver of the scenario's jail: runs cmd.1, cmd.2, ... as they appear.
n=1
while :; do
  if [ -e "cmd.$n" ]; then
    /bin/sh "./cmd.$n" >"out.$n" 2>&1 </dev/null
    echo "$?" >"rc.$n.new"
    mv -f "rc.$n.new" "rc.$n"
    n=$((n + 1))
  else
    sleep {POLL_S}
  fi
done
"""
# Beyond a command's own budget, how long its result may take to appear (the driver's poll, a
# busy machine) before the harness says the jail stopped answering.
ANSWER_S = 15.0
OUTPUT_BYTES = 64 * 1024
LOG_BYTES = 4 * 1024 * 1024
START_S = 30.0


class JailGone(Exception):
    """The driver did not answer: killed, or stopped, by what ran beside it."""


def _passwd(uid: int, gid: int, home: Path) -> str:
    """The machine's accounts (world-readable) and one more: the submission's uid, as `learner`."""
    try:
        machine = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace")
    except OSError:
        machine = ""
    kept = "".join(line + "\n" for line in machine.splitlines() if line.split(":")[2:3] != [str(uid)])
    return f"{kept}learner:x:{uid}:{gid}:graded submission:{home}:/bin/sh\n"


def _quote_env(env: Mapping[str, str]) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in env.items())


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for pid, fields in processes():
        found.setdefault(int(fields[1]), []).append(pid)
    return found


def _below(leader: int) -> list[int]:
    children = _children()
    found: list[int] = []
    queue = [leader]
    while queue:
        pid = queue.pop()
        for child in children.get(pid, []):
            found.append(child)
            queue.append(child)
    return found


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return []


def _inner_pid(pid: int) -> int | None:
    """The pid `pid` has in its innermost PID namespace (the jail's)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("NSpid:"):
                return int(line.split()[-1])
    except (OSError, ValueError):
        return None
    return None


def _signal(pid: int, sig: int) -> None:
    """Through a pidfd: a pid reused meanwhile is never signalled."""
    try:
        fd = os.pidfd_open(pid)
    except OSError:
        return
    try:
        signal.pidfd_send_signal(fd, sig)
    except OSError as exc:
        if exc.errno != errno.ESRCH:
            raise
    finally:
        os.close(fd)


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


class Jail:
    """The scenario's one jail, its driver, and the commands handed to it."""

    def __init__(self, ctx: CheckContext, scratch: Scratch, binaries: PgBinaries) -> None:
        self._ctx, self.scratch, self.binaries = ctx, scratch, binaries
        self._proc: ManagedProcess | None = None
        self._count = 0

    def start(self) -> None:
        """The driver, in a user namespace of its own inside the jail (bwrap run as the
        submission, same uid, same PID namespace) whose /etc/passwd names the submission's uid:
        initdb and postgres --single (pg_rewind's crash recovery of node1) refuse to run as a uid
        without a passwd entry, and a graded submission's uid has none on the machine."""
        driver = self.scratch.write(DRIVER, DRIVER_TEXT)
        passwd = self.scratch.write("passwd", _passwd(self.scratch.uid, self.scratch.gid, self.scratch.path))
        uid, gid = str(self.scratch.uid), str(self.scratch.gid)
        try:
            bwrap = tools.tool("bwrap")
        except EnvironmentProblem as exc:
            raise CannotCheck(f"the scenario's servers need bwrap in the jail: {exc.message}") from None
        argv = [bwrap, "--unshare-user", "--uid", uid, "--gid", gid, "--bind", "/", "/",
                # The jail's own /dev again: a device node the jail made is opened only through it.
                "--dev-bind", "/dev", "/dev", "--ro-bind", str(passwd), "/etc/passwd", "--die-with-parent",
                "--", "/bin/sh", str(driver)]
        self._proc = self._ctx.app.start_command("ha-jail", argv, env={"PATH": self.path(), "LC_ALL": "C"},
                                                 cwd=self.scratch.path, stop_signal=signal.SIGKILL)

    def path(self) -> str:
        return f"{self.binaries.bindir}:/usr/bin:/bin"

    def alive(self) -> bool:
        return self._proc is not None and self._proc.alive()

    def run(self, text: str, wait_s: float) -> tuple[int | None, str, float]:
        """Command `text` (sh) run by the driver: its exit code, output (the last OUTPUT_BYTES) and
        seconds. Raises JailGone when no result came within `wait_s` + ANSWER_S."""
        self._count += 1
        n = self._count
        started = time.monotonic()
        try:
            self.scratch.write(f"cmd.{n}", text, publish=True)
        except OSError as exc:  # what ran in the jail put something else in its place
            raise JailGone(f"command {n} could not be handed to the scenario's jail ({exc})") from None
        deadline = started + wait_s + ANSWER_S
        interval = 0.01
        while True:
            code, _ = self.scratch.tail(f"rc.{n}", 64)
            if code.strip():
                seconds = time.monotonic() - started
                output, more = self.scratch.tail(f"out.{n}", OUTPUT_BYTES)
                value = code.strip()
                return (int(value) if value.lstrip("-").isdigit() else None), \
                    ("(earlier output not kept)\n" if more else "") + output, seconds
            if not self.alive() or time.monotonic() >= deadline:
                raise JailGone(f"the scenario's jail stopped answering (command {n}; its driver "
                               f"{'exited' if not self.alive() else 'is stuck'})")
            time.sleep(interval)
            interval = min(interval * 1.5, 0.1)

    def script(self, name: str, text: str, env: Mapping[str, str], budget_s: float) -> ScriptRun:
        """The learner's script, as check mode runs it (failover_servers.run_script): /bin/sh in
        the folder, within its budget, and what it left running in its process group stopped
        when it exits."""
        started = time.monotonic()
        try:
            # A script that ran before may have left a file of that name: replaced, never followed.
            path = self.scratch.write(name, text, publish=True)
        except OSError as exc:
            return ScriptRun(name, None, "", 0.0, budget_s, lost=f"it could not be put in its folder ({exc})")
        command = _quote_env({"PATH": self.path(), "LC_ALL": "C", "HOME": str(self.scratch.path), **env}) + (
            # timeout makes its own process group: the script's background processes are in it.
            f"timeout -k 2 {budget_s:.0f} /bin/sh {shlex.quote(str(path))} &\n"
            "job=$!\nwait \"$job\"\ncode=$?\nkill -9 \"-$job\" 2>/dev/null\nexit \"$code\"\n")
        try:
            code, output, seconds = self.run(command, budget_s + 2)
        except JailGone as exc:  # it, or something it started, ended the driver
            return ScriptRun(name, None, "", time.monotonic() - started, budget_s, lost=str(exc))
        if code in (124, 137) and seconds >= budget_s:
            code = None  # stopped at the end of its budget
        return ScriptRun(name, code, output, seconds, budget_s)

    def _leader(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.alive() else None

    def postmaster(self, data: Path) -> int | None:
        """The host pid of the postgres the jail runs on `data` (its postmaster: the one whose
        command line names the folder; its children rename themselves)."""
        leader = self._leader()
        if leader is None:
            return None
        for pid in _below(leader):
            args = _cmdline(pid)
            if args and args[0].endswith("/postgres") and "-D" in args[:-1] and \
                    args[args.index("-D") + 1] == str(data):
                return pid
        return None

    def freeze(self, data: Path, inner: int) -> int | None:
        """SIGSTOP the process of the server on `data` that the jail knows as `inner` (the WAL
        sender's pid, as the server reports it); its host pid, or None when it is not one."""
        postmaster = self.postmaster(data)
        if postmaster is None:
            return None
        for pid in _below(postmaster):
            if _inner_pid(pid) == inner:
                _signal(pid, signal.SIGSTOP)
                return pid
        return None

    def kill(self, data: Path) -> None:
        """SIGKILL the server on `data` and every process below it at once (a machine that died),
        and wait until they are gone."""
        postmaster = self.postmaster(data)
        if postmaster is None:
            return
        below = _below(postmaster)
        for pid in (postmaster, *below):
            _signal(pid, signal.SIGKILL)
        deadline = time.monotonic() + CHILDREN_GONE_S
        while not all(_gone(pid) for pid in (postmaster, *below)) and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        """The jail's end: everything in it is killed (its PID namespace goes with its first
        process), waited for, before the folder may be removed."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        inside = _below(proc.pid)
        for pid in inside:
            _signal(pid, signal.SIGKILL)
        proc.stop(grace_s=3.0)
        deadline = time.monotonic() + CHILDREN_GONE_S
        while not all(_gone(pid) for pid in inside) and time.monotonic() < deadline:
            time.sleep(0.02)


class JailedNode:
    """A server of the scenario, run by the jail's driver on a folder of the submission's; the
    interface of LocalPostgres the scenario uses (port, admin_url, log_tail, stop)."""

    def __init__(self, jail: Jail, name: str, data: Path, options: Mapping[str, str], password: str,
                 log: str = "") -> None:
        self._jail, self.name, self.data, self._options = jail, name, data, options
        self._password = password
        self._log = log or f"{name}.log"
        self.port = 0
        self.admin_url = ""

    def start(self, timeout_s: float = START_S) -> None:
        for attempt in range(3):
            self.port = free_port()
            postgres = str(self._jail.binaries.tool("postgres"))  # by its path: Jail.postmaster finds it so
            args = [postgres, "-D", str(self.data), "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
                    "-c", "unix_socket_directories="]
            for key, value in self._options.items():
                args += ["-c", f"{key}={value}"]
            # The server outlives the command: the driver's jail keeps it, its log in the folder.
            try:
                code, output, _ = self._jail.run(f"{shlex.join(args)} >>{shlex.quote(self._log)} 2>&1 &\n", 10.0)
            except JailGone as exc:
                raise ServiceError(f"{self.name} was not started: {exc}", log_tail=self.log_tail(20)) from None
            if code != 0:
                raise ServiceError(f"{self.name} was not started (exit {code})", log_tail=output)
            self.admin_url = f"postgresql://{SUPERUSER}:{quote(self._password)}@127.0.0.1:{self.port}/postgres"
            try:
                wait_until(f"{self.name} (in the submission's jail)", self._ping, timeout_s=timeout_s,
                           alive=self._alive_since_start(), log_tail=partial(self.log_tail, 20))
                return
            except ServiceError:
                again = "could not bind" in self.log_tail(50) and attempt < 2
                self.stop()
                if not again:
                    raise

    def _alive_since_start(self) -> Callable[[], bool]:
        """Whether the server just started is still there. The driver starts it in the background:
        until the shell's child has become the postmaster there is none to see, and that is no exit
        (seen on a busy machine: 'exited before it became ready' with an empty log). Once seen, gone
        means exited; never seen, a FATAL line in its log says it will not come."""
        seen = False

        def alive() -> bool:
            nonlocal seen
            if self._jail.postmaster(self.data) is not None:
                seen = True
                return True
            return not seen and "FATAL:" not in self.log_tail(50)

        return alive

    def _ping(self) -> None:
        ping_standby(self.admin_url)

    def log_tail(self, lines: int = 20) -> str:
        text, more = self._jail.scratch.tail(self._log, LOG_BYTES)
        read = text.splitlines()
        # As a LogBuffer says it: the start of the log is not there (failover_promote.py reads it).
        dropped = more and len(read) <= lines
        return "\n".join((["… (earlier lines not kept) …"] if dropped else []) + read[-lines:])

    def halt(self) -> None:
        self._jail.kill(self.data)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._jail.kill(self.data)


def initdb_command(data: Path, pwfile: Path, conf: Sequence[tuple[str, Path]], conf_dir: str) -> str:
    """node1's cluster, made in the jail by initdb (as check mode's template is: the harness's
    superuser, SCRAM, no checksums), with the learner's conf.d laid out as conf.lay_out does and
    no synchronous standby until the harness's first statements are done."""
    lines = ["set -e",
             f"initdb -D {shlex.quote(str(data))} --pwfile={shlex.quote(str(pwfile))} -U {SUPERUSER} "
             "--auth=scram-sha-256 -E UTF8 --locale=C --no-sync --no-instructions >/dev/null",
             f"rm -f {shlex.quote(str(pwfile))}",
             f"mkdir -m 700 {shlex.quote(str(data / conf_dir))}"]
    for name, source in conf:
        lines.append(f"cp {shlex.quote(str(source))} {shlex.quote(str(data / conf_dir / name))}")
    lines.append(f"printf '%s\\n' '' \"# The learner's configuration, last: it decides every key it sets.\" "
                 f"\"include_dir = '{conf_dir}'\" >> {shlex.quote(str(data / 'postgresql.conf'))}")
    lines.append(f"echo \"synchronous_standby_names = ''\" >> {shlex.quote(str(data / 'postgresql.auto.conf'))}")
    return "\n".join(lines) + "\n"
