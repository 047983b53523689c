"""The learner's autovacuum.sql, read as data (no link followed, a size cap)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from harness.outcomes import Failure

SQL_FILE = "autovacuum.sql"
MAX_BYTES = 64 * 1024


def read_sql(project: Path, check_id: str) -> str:
    reproduce = f"harness check week-01 --track postgres --only {check_id}"
    try:
        fd = os.open(project / SQL_FILE, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise Failure(f"{SQL_FILE} cannot be read: {exc.strerror}", expected=f"{SQL_FILE} in the project's folder",
                      hint=f"Write the per-table autovacuum settings in {SQL_FILE}, as the README says "
                           "(a link is not followed).", reproduce=reproduce) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise Failure(f"{SQL_FILE} is not a plain file", hint="Make it a plain file.", reproduce=reproduce)
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Failure(f"{SQL_FILE} is larger than {MAX_BYTES // 1024} KB", hint="Keep the ALTER TABLE statements only.",
                      reproduce=reproduce)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Failure(f"{SQL_FILE} is not UTF-8 text", hint="Save it as UTF-8.", reproduce=reproduce) from None
    if not text.strip():
        raise Failure(f"{SQL_FILE} is empty", expected="ALTER TABLE hot_counters SET (...)", actual="an empty file",
                      hint="Set the hot table's autovacuum parameters there.", reproduce=reproduce)
    return text
