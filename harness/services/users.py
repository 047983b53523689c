"""The unprivileged accounts that local services run as when the harness runs as root.

PostgreSQL refuses to run as root (initdb: "cannot be run as root"), and no service
should. `harness check` drops to `postgres` when the distribution created it, else to a
system account of its own. `harness grade` gives each submission's servers a uid of their
own and a cgroup inside the submission's (see `ServiceRun`): a submission that became its
database's superuser gets a shell as that uid only, which can neither read nor signal
another submission's servers, and the CPU and memory its database burns count as its own.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import systools
from harness.errors import EnvironmentProblem

OWN_ACCOUNT = "harness-svc"
# Set by the grading orchestrator for the worker it starts (never read from a project):
# the uid the submission's servers run as, and the cgroup.procs files they join.
SERVICE_UID_ENV = "HARNESS_SERVICE_UID"
SERVICE_CGROUP_ENV = "HARNESS_SERVICE_CGROUP"
# Root's tools by absolute path: the grader's own steps never look them up on a PATH.


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int


def current() -> Account | None:
    """None when the harness is not root: services then run as the invoking user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", OWN_ACCOUNT):
        try:
            entry = pwd.getpwnam(name)
            return Account(name, entry.pw_uid, entry.pw_gid)
        except KeyError:
            continue
    useradd = shutil.which("useradd")
    if useradd:
        subprocess.run([useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OWN_ACCOUNT],
                       check=False, capture_output=True)
        try:
            entry = pwd.getpwnam(OWN_ACCOUNT)
            return Account(OWN_ACCOUNT, entry.pw_uid, entry.pw_gid)
        except KeyError:
            pass
    raise EnvironmentProblem(
        "the harness runs as root and found no unprivileged account to run the databases as",
        tried=["account 'postgres'", f"account '{OWN_ACCOUNT}'", "useradd --system"],
        fixes=[f"Create one: useradd --system {OWN_ACCOUNT}", "Or run the harness as a normal user"],
    )


@dataclass(frozen=True)
class ServiceRun:
    """How a local server is started: as which account, and in which cgroup.

    Joining a cgroup needs root, so a confined server is started as root through a short
    chain that joins the cgroup and then drops to the account before exec'ing the server:
    nothing of the server ever runs outside the cgroup, nor as root.
    """

    account: Account | None
    procs: tuple[str, ...] = ()   # cgroup.procs files the server joins; () for none
    # Who runs a server's one-off setup (initdb): it needs a passwd entry, which a grading
    # service uid has not; the setup's output is then handed over to `account`.
    setup: Account | None = None

    def setup_account(self) -> Account | None:
        return self.setup or self.account

    @property
    def confined(self) -> bool:
        return bool(self.procs) and self.account is not None

    def ids(self) -> tuple[int | None, int | None]:
        """(uid, gid) for a process started directly (not through `wrap`); None: as ourselves."""
        return (self.account.uid, self.account.gid) if self.account else (None, None)

    def start_ids(self) -> tuple[int | None, int | None]:
        """The ids to start `wrap`'s argv with: root when the chain drops them itself."""
        return (None, None) if self.confined else self.ids()

    def wrap(self, argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> list[str]:
        """argv as started with `start_ids()` (env and cwd: for a container's run, pg_container.py)."""
        if not self.confined:
            return list(argv)
        assert self.account is not None
        return [*systools.joining(self.procs, "harness-services"), systools.tool("setpriv"),
                f"--reuid={self.account.uid}", f"--regid={self.account.gid}", "--clear-groups", "--no-new-privs",
                "--", *argv]


    def client_env(self, env: Mapping[str, str]) -> dict[str, str]:
        """The environment to start `wrap`'s argv with: the server's own."""
        return dict(env)

    def setup_command(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> tuple[list[str], dict[str, str],
                                                                                             Account | None]:
        """A one-off setup step (initdb): argv, its environment, and the account to run it as."""
        return list(argv), dict(env), self.setup_account()

    def tool(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path,
             account: Account | None) -> tuple[list[str], dict[str, str], int | None, int | None]:
        """A tool or a learner's script beside the server, run directly as `account` (None: as ourselves)."""
        uid, gid = (account.uid, account.gid) if account else (None, None)
        return list(argv), dict(env), uid, gid

    def release(self) -> None:
        """Nothing a local server's start leaves behind beyond its process."""


def grading(env: Mapping[str, str] | None = None) -> bool:
    """Whether this run grades a submission: the orchestrator set the service uid of its jail."""
    return bool((os.environ if env is None else env).get(SERVICE_UID_ENV))


def service_run(env: Mapping[str, str] | None = None) -> ServiceRun:
    """The grading orchestrator's choice when it made one, else `current()` unconfined."""
    env = os.environ if env is None else env
    uid = env.get(SERVICE_UID_ENV, "")
    if os.geteuid() == 0 and uid.isdigit() and int(uid) > 0:
        account = Account(f"uid {uid}", int(uid), int(uid))
        procs = tuple(p for p in env.get(SERVICE_CGROUP_ENV, "").split(os.pathsep) if p)
        return ServiceRun(account, procs, setup=current())
    return ServiceRun(current())


def service_environment(uid: int, procs: Sequence[str]) -> dict[str, str]:
    """What the orchestrator puts in its worker's environment for `service_run`."""
    return {SERVICE_UID_ENV: str(uid), SERVICE_CGROUP_ENV: os.pathsep.join(procs)}


def give(path: Path, account: Account | None) -> None:
    if account is not None:
        os.chown(path, account.uid, account.gid)


def give_tree(root: Path, account: Account | None) -> None:
    """`root` and everything in it become the account's (never following a link)."""
    if account is None:
        return
    os.lchown(root, account.uid, account.gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), account.uid, account.gid)


def readable_by_others(path: Path) -> bool:
    """Whether an unprivileged account can reach `path` (every parent traversable)."""
    for part in [path, *path.parents]:
        try:
            mode = part.stat().st_mode
        except OSError:
            return False
        if not mode & 0o001:
            return False
    return True
