"""The unprivileged account that local services run as when the harness runs as root.

PostgreSQL refuses to run as root (initdb: "cannot be run as root"), and no service
should: the harness drops to `postgres` when the distribution created it, else to a
system account of its own.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness.errors import EnvironmentProblem

OWN_ACCOUNT = "harness-svc"


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


def give(path: Path, account: Account | None) -> None:
    if account is not None:
        os.chown(path, account.uid, account.gid)


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
