"""The learner's pg_hba.conf, read as data and placed under the harness's own rule.

The cluster's pg_hba.conf is the harness's line first, then the learner's lines as they wrote
them. PostgreSQL takes the first line that matches a connection, so the harness's line decides
only its own roles (its superuser, the account that runs roles.sql, the account that loads the
rows) and every other login, the learner's three roles included, is decided by the learner's
rules alone. Lines that would read another file (`@file` lists, `include` directives) are refused:
every rule is in the file the learner hands in.
"""

from __future__ import annotations

import re
from pathlib import Path

from harness.runner.confined import OutsideProject, read_inside

from .conf import ConfRefused

HBA_FILE = "pg_hba.conf"
MAX_BYTES = 1024 * 1024  # read_inside states its cap in MB; a real file is a few lines
# Roles of the harness that log in to the lab's server; the learner's rules never decide them.
HARNESS_ROLES = ("harness", "lab_admin", "lab_seeder")
_INCLUDE = re.compile(r"^\s*(include|include_dir|include_if_exists)\b", re.IGNORECASE)


def read_hba(root: Path) -> str:
    """The learner's rules (comments kept), or ConfRefused saying why they cannot be used."""
    try:
        text = read_inside(root, HBA_FILE, MAX_BYTES)
    except FileNotFoundError:
        raise ConfRefused(f"{HBA_FILE} is missing", f"Write your authentication rules in {HBA_FILE} at the "
                                                    "project's top level, as the starter does.") from None
    except (OutsideProject, OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfRefused(f"{HBA_FILE} cannot be read: {exc}", "Make it a plain UTF-8 file inside the project "
                                                              f"(at most {MAX_BYTES // 2**20} MB).") from None
    if "\0" in text:
        raise ConfRefused(f"{HBA_FILE} holds a NUL character", "Save it as plain text.")
    for number, line in enumerate(text.splitlines(), start=1):
        body = line.split("#", 1)[0]
        if _INCLUDE.match(body):
            raise ConfRefused(f"{HBA_FILE} line {number} includes another file: {line.strip()}",
                              f"Write every rule in {HBA_FILE} itself.")
        if re.search(r"(^|[\s,])@", body):
            raise ConfRefused(f"{HBA_FILE} line {number} reads a list from a file (@name): {line.strip()}",
                              "Name the databases and roles in the line itself.")
    if not any(line.split("#", 1)[0].strip() for line in text.splitlines()):
        raise ConfRefused(f"{HBA_FILE} holds no rule: nobody but the harness could log in",
                          "Write the rules that let the lab's roles in (the README says how they connect).")
    return text


def compose(learners: str) -> str:
    """The cluster's pg_hba.conf: the harness's own line, then the learner's rules."""
    roles = ",".join(HARNESS_ROLES)
    return ("# The harness's own logins, first: no rule below decides them.\n"
            f"host all {roles} 127.0.0.1/32 scram-sha-256\n"
            f"# The learner's {HBA_FILE}:\n{learners}\n")
