"""Signatures of a broken rule in the logs the harness owns.

The jail makes these attempts fail; the logs say which rule was tried. PostgreSQL logs
every refused statement or connection of the app's role; the app's own output carries
the kernel's answer to a write on the read-only machine (EROFS) or past the file size
limit (EFBIG, or death by SIGXFSZ). A submission that hides its errors is still
contained, only not named for it.
"""

from __future__ import annotations

import re
import signal

# What PostgreSQL says when the app's role reaches for what is not its own.
_DATABASE = (
    "must be owner of database",
    "permission denied for database",
    "permission denied to create database",
    "permission denied to create role",
    "permission denied to alter role",
    "permission denied to drop role",
    "permission denied for table pg_authid",
    "must be superuser",
)
_PG_LEVEL = re.compile(r"\b(?:ERROR|FATAL):\s+(.*)$")
_READ_ONLY = re.compile(r"EROFS|read-only file system", re.IGNORECASE)
_TOO_LARGE = re.compile(r"EFBIG|file too large", re.IGNORECASE)
SIGXFSZ_EXIT = 128 + int(signal.SIGXFSZ)


def database_denied(postgres_log: str) -> str | None:
    """The first refusal, without names (they change between runs): 'must be owner of database'."""
    for line in postgres_log.splitlines():
        match = _PG_LEVEL.search(line)
        if not match:
            continue
        for phrase in _DATABASE:
            if phrase in match.group(1):
                return phrase
    return None


def write_denied(app_log: str) -> bool:
    return _READ_ONLY.search(app_log) is not None


def file_size_exceeded(app_log: str, exit_codes: list[int | None]) -> bool:
    killed = any(code in (SIGXFSZ_EXIT, -int(signal.SIGXFSZ)) for code in exit_codes if code is not None)
    return killed or _TOO_LARGE.search(app_log) is not None
