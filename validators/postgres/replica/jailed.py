"""The standby when grading: the learner's setup-replica.sh and the server it builds run as the
submission, in its jail (ctx.app's launcher), never as root nor as the servers' service account.

The script is learner code, and so is the standby's configuration: postgresql.auto.conf may hold
a restore_command or archive_command (shell commands run as the server's account),
shared_preload_libraries, includes. So the standby's postgres runs through the same launcher as
the script: the submission's uid, its cgroups, a read-only machine, its own PID namespace. Their
folder is `<project>/.harness/replica/<token>/` (inside the project: the jail binds it writable,
and sees it at the same path), made by the harness as root without following a link the
submission ships, and removed the same way. The harness's primary stays the trusted one (its
configuration, the service account, outside the jail).

The standby's pg_authid is the primary's (SCRAM verifiers), and a server that knows a role's
verifier and watches one login by it learns enough to log in as that role elsewhere. So the
harness's superuser on the standby (`harness`, the name a learner's pg_hba.conf sees in `check`
too) must open nothing on the primary: `take_over` gives the primary a superuser of the harness's
own that no standby ever sees a login of, a fresh password to `harness`, and a pg_hba.conf that
refuses `harness` outright; the standby is built after that.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import os
import secrets
import shutil
import signal
import stat
import subprocess
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

from harness.errors import ServiceError
from harness.outcomes import CannotCheck
from harness.proc.process import ManagedProcess
from harness.proc.procfs import processes
from harness.registry import CheckContext
from harness.services import pg_template, users
from harness.services.base import free_port, wait_until
from harness.services.postgres import SUPERUSER, LocalPostgres

from ..server import ping_standby

SCRATCH = ".harness"
FOLDER = "replica"
# The harness's superuser on the primary while its `harness` is the standby's login (take_over).
PRIMARY_SUPERUSER = "harness_primary"
START_S = 30.0
STOP_GRACE_S = 10.0
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def take_over(primary: LocalPostgres, options: str) -> tuple[str, str]:
    """Before a standby is built: the primary's own superuser login for the harness (its URL), and
    the password `harness` gets, which the primary then refuses (the module docstring says why).
    Raises CannotCheck when the primary still lets `harness` in."""
    own, standby = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    with psycopg.connect(primary.admin_url, autocommit=True, connect_timeout=10, options=options) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN SUPERUSER PASSWORD {}").format(
            sql.Identifier(PRIMARY_SUPERUSER), sql.Literal(pg_template.scram_verifier(own))))
        hba = Path(str(conn.execute("SHOW hba_file").fetchone()[0]))  # type: ignore[index]
    url = f"postgresql://{PRIMARY_SUPERUSER}:{quote(own)}@127.0.0.1:{primary.port}/postgres"
    # The primary's folder is the harness's own (its service account's, made by the harness).
    hba.write_text(f"host all {SUPERUSER} all reject\nhost replication {SUPERUSER} all reject\n" + hba.read_text())
    with psycopg.connect(url, autocommit=True, connect_timeout=10, options=options) as conn:
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
            sql.Identifier(SUPERUSER), sql.Literal(pg_template.scram_verifier(standby))))
        reloaded = conn.execute("SELECT pg_reload_conf()").fetchone()
        errors = conn.execute("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL").fetchone()
    if reloaded != (True,) or errors != (0,):
        raise CannotCheck("the harness's primary did not take its new pg_hba.conf")
    try:
        psycopg.connect(host="127.0.0.1", port=primary.port, user=SUPERUSER, password=standby, dbname="postgres",
                        connect_timeout=10).close()
    except psycopg.OperationalError:
        return url, standby
    raise CannotCheck(f"the harness's primary still lets {SUPERUSER} in: the standby is not built")


class Scratch:
    """`<project>/.harness/<folder>/<token>/`, the submission's own (`replica` for week-08, `ha`
    for week-15's two servers); made, read and removed by root through descriptors, so a link
    the submission put on the way is never followed."""

    def __init__(self, project: Path, folder: str = FOLDER) -> None:
        owner = os.stat(project)
        if owner.st_uid == 0:
            raise CannotCheck("the graded project belongs to root: its script would have no account of its own")
        self.uid, self.gid = owner.st_uid, owner.st_gid
        self.project = project
        self.folder = folder
        self.name = secrets.token_hex(8)
        self.path = project / SCRATCH / folder / self.name
        parent = self._parent(create=True)
        try:
            os.mkdir(self.name, 0o700, dir_fd=parent)
            fd = os.open(self.name, _DIR_FLAGS, dir_fd=parent)
        finally:
            os.close(parent)
        try:
            os.fchown(fd, self.uid, self.gid)
            os.mkdir("data", 0o700, dir_fd=fd)
            os.chown("data", self.uid, self.gid, dir_fd=fd, follow_symlinks=False)
        finally:
            os.close(fd)

    def _parent(self, *, create: bool) -> int:
        """A descriptor of <project>/.harness/replica. A link or file the submission shipped under
        either name is removed (unlink never follows it) and a folder made in its place."""
        fd = os.open(self.project, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for name in (SCRATCH, self.folder):
                if create:
                    with contextlib.suppress(FileNotFoundError):
                        if not stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                            os.unlink(name, dir_fd=fd)
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(name, 0o755, dir_fd=fd)
                inner = os.open(name, _DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = inner
                if create:  # the jail passes through as the submission (the grader's umask is 077)
                    os.fchmod(fd, 0o755)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _folder(self) -> int:
        parent = self._parent(create=False)
        try:
            return os.open(self.name, _DIR_FLAGS, dir_fd=parent)
        finally:
            os.close(parent)

    def write(self, name: str, text: str, *, publish: bool = False) -> Path:
        """A new file of the submission's (mode 0600) in the folder, never through a link.
        `publish`: written under another name first and renamed, so that a reader in the jail
        never sees it half written."""
        folder = self._folder()
        try:
            made = f".{name}.{secrets.token_hex(4)}" if publish else name
            fd = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                         dir_fd=folder)
            with os.fdopen(fd, "w") as handle:
                os.fchown(handle.fileno(), self.uid, self.gid)
                handle.write(text)
            if publish:  # rename never follows a link at either name
                os.rename(made, name, src_dir_fd=folder, dst_dir_fd=folder)
        finally:
            os.close(folder)
        return self.path / name

    def _walk(self, parts: Sequence[str]) -> tuple[list[int], str]:
        """Descriptors of the folders on the way to parts[-1] (the caller closes them), each
        opened without following a link; a part that is empty, `.` or `..` is refused."""
        if not parts or any(part in ("", ".", "..") or "/" in part for part in parts):
            raise OSError(errno.EINVAL, f"not a plain path inside the folder: {'/'.join(parts)}")
        fds = [self._folder()]
        try:
            for name in parts[:-1]:
                fds.append(os.open(name, _DIR_FLAGS, dir_fd=fds[-1]))
        except BaseException:
            for fd in fds:
                os.close(fd)
            raise
        return fds, parts[-1]

    def lstat(self, *parts: str) -> os.stat_result | None:
        """The file at parts (inside the folder), itself and not what a link names; None when
        it is not there or cannot be reached without following a link."""
        try:
            fds, last = self._walk(parts)
        except OSError:
            return None
        try:
            return os.stat(last, dir_fd=fds[-1], follow_symlinks=False)
        except OSError:
            return None
        finally:
            for fd in fds:
                os.close(fd)

    def tail(self, name: str, max_bytes: int) -> tuple[str, bool]:
        """The last `max_bytes` of the regular file `name` in the folder (a link, a pipe or a
        device is not read), and whether there was more before them."""
        try:
            fds, last = self._walk([name])
        except OSError:
            return "", False
        try:
            fd = os.open(last, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=fds[-1])
        except OSError:
            return "", False
        finally:
            for folder in fds:
                os.close(folder)
        with os.fdopen(fd, "rb") as handle:
            size = os.fstat(fd).st_size
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return "", False
            handle.seek(max(0, size - max_bytes))
            return handle.read(max_bytes).decode("utf-8", "replace"), size > max_bytes

    def has_cluster(self, data: str = "data") -> bool:
        """Whether <data>/PG_VERSION is a regular file, reached without following a link."""
        found = self.lstat(data, "PG_VERSION")
        return found is not None and stat.S_ISREG(found.st_mode)

    def remove(self) -> None:
        """The folder and what the script and the server left in it; then .harness/replica and
        .harness when nothing else is in them."""
        try:
            parent = self._parent(create=False)
        except OSError:
            return  # not there any more, or no longer a folder: nothing of ours to remove
        try:
            with contextlib.suppress(FileNotFoundError):
                # rmtree with dir_fd opens every folder without following links (shutil's fd-based walk).
                shutil.rmtree(self.name, dir_fd=parent)
        finally:
            os.close(parent)
        top = os.open(self.project, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for name in (f"{SCRATCH}/{self.folder}", SCRATCH):
                try:
                    os.rmdir(name, dir_fd=top)
                except OSError:
                    break
        finally:
            os.close(top)


def check_account(ctx: CheckContext, scratch: Scratch, script: str = "setup-replica.sh") -> None:
    """The launcher runs the script as the project's own uid: not root, not a server's account."""
    run = ctx.app.run_command(["/usr/bin/id", "-u"], timeout_s=30, cwd=scratch.path)
    uid = run.output.strip()
    # Nor the account that sets servers up (initdb, the cached cluster templates) when grading.
    forbidden = {0, *(account.uid for account in (users.service_run().account, users.current()) if account)}
    if run.exit_code != 0 or not uid.isdigit() or int(uid) in forbidden or int(uid) != scratch.uid:
        raise CannotCheck(f"a graded script would run as uid {uid or '?'} (exit {run.exit_code}), not as the "
                          f"submission's own uid {scratch.uid}: {script} is not run")


class JailedStandby:
    """The standby's postgres, started through the project's launcher on the folder the script
    filled; the same interface as LocalPostgres for the pair's checks."""

    def __init__(self, ctx: CheckContext, scratch: Scratch, primary: LocalPostgres, options: Mapping[str, str],
                 password: str) -> None:
        self._ctx = ctx
        self._scratch = scratch
        self._postgres = str(primary.binaries.tool("postgres"))
        self._options = options
        self._password = password  # of `harness`, which the primary refuses (take_over)
        self._proc: ManagedProcess | None = None
        self._stopped_log = ""
        self.port = 0
        self.admin_url = ""

    def start(self, timeout_s: float = START_S) -> None:
        data = self._scratch.path / "data"
        for attempt in range(3):
            self.port = free_port()
            args = [self._postgres, "-D", str(data), "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
                    "-c", "unix_socket_directories="]
            for key, value in self._options.items():
                args += ["-c", f"{key}={value}"]
            proc = self._ctx.app.start_command("standby", args, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
                                               cwd=self._scratch.path, stop_signal=signal.SIGINT)
            self._proc = proc
            self.admin_url = f"postgresql://{SUPERUSER}:{quote(self._password)}@127.0.0.1:{self.port}/postgres"
            try:
                wait_until("the standby (in the submission's jail)", self._ping, timeout_s=timeout_s,
                           alive=proc.alive, log_tail=partial(proc.tail, 20))
                return
            except BaseException as exc:  # a Ctrl-C while it starts included: nothing of it stays
                # Another process may have taken the free port between the probe and bind.
                again = isinstance(exc, ServiceError) and "could not bind" in proc.tail(50) and attempt < 2
                self._end()
                if not again:
                    raise

    def _ping(self) -> None:
        ping_standby(self.admin_url)

    def log_tail(self, lines: int = 20) -> str:
        return self._proc.tail(lines) if self._proc else "\n".join(self._stopped_log.splitlines()[-lines:])

    def _end(self) -> None:
        """A fast shutdown when the server is there to ask, then the jail's end: nothing of it stays."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None and _ask_postmaster(proc.pid):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(STOP_GRACE_S)
        proc.stop(grace_s=3.0)
        self._stopped_log = proc.log.text()
        self._proc = None

    def halt(self) -> None:
        """Stop the server and keep its folder: start() runs it again."""
        self._end()

    def stop(self) -> None:
        try:
            self._end()
        finally:
            self._scratch.remove()


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _ask_postmaster(leader: int) -> bool:
    """SIGINT (a fast shutdown) to the postmaster under `leader`: the first postgres below it. A
    jail (bwrap) passes no signal on, so it is sent to the server itself, through a pidfd (a pid
    reused meanwhile is never signalled)."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for pid, fields in processes():
        children[int(fields[1])].append(pid)
    queue = collections.deque([leader])
    while queue:
        pid = queue.popleft()
        if _comm(pid) == "postgres":
            try:
                fd = os.pidfd_open(pid)
            except OSError:
                return False
            try:
                if _comm(pid) != "postgres":
                    return False
                signal.pidfd_send_signal(fd, signal.SIGINT)
                return True
            except OSError as exc:
                if exc.errno == errno.ESRCH:
                    return False
                raise
            finally:
                os.close(fd)
        queue.extend(children.get(pid, []))
    return False
