"""pg.archive.works: a WAL segment the server switches away from lands in $ARCHIVE_DIR, whole."""

from __future__ import annotations

import os
import time

from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .server import ARCHIVE_ENV, RUN_AGAIN, LabServer, lab_server
from .settings import learners, read

CHECK = "pg.archive.works"
# The switch wakes the archiver at once and one copy of 16 MB takes well under a second; the rest
# is room for a busy machine. The wait ends as soon as the segment is there or has failed.
WAIT_S = 30.0
HINT = (f'archive_command = \'test ! -f "${ARCHIVE_ENV}/%f" && cp %p "${ARCHIVE_ENV}/%f"\' copies each finished '
        f"segment into the folder the harness gives the server in ${ARCHIVE_ENV}, and never overwrites one.")


@check(CHECK, points=2, needs_app=False, timeout_s=120)
def switched_wal_segment_is_archived(ctx: CheckContext) -> None:
    """WAL archiving is on, and a switched segment appears in $ARCHIVE_DIR."""
    with lab_server(ctx, CHECK) as lab:
        found = read(lab, ["archive_mode", "archive_command", "archive_library", "wal_level", "wal_segment_size"])
        learners(found, ["archive_mode"], CHECK)
        mode = found["archive_mode"]
        if mode.setting not in ("on", "always"):
            raise Failure("WAL archiving is off", expected="archive_mode = on", actual=mode.shown(),
                          hint=f"Set archive_mode = on and {HINT}", reproduce=RUN_AGAIN.format(check=CHECK))
        if not found["archive_command"].setting and not found["archive_library"].setting:
            raise Failure("archive_mode is on, but no archive_command says where segments go",
                          expected="an archive_command", actual="archive_command = ''", hint=HINT,
                          reproduce=RUN_AGAIN.format(check=CHECK))
        segment = _switch(lab)
        _wait_archived(lab, segment, found["wal_segment_size"].bytes)


def _switch(lab: LabServer) -> str:
    """Write something, switch to a new segment; the name of the one just finished."""
    with lab.connect() as conn:
        conn.execute("CREATE TABLE public.archive_probe AS SELECT g FROM generate_series(1, 1000) AS g")
        row = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()
    assert row is not None
    return str(row[0])


def _wait_archived(lab: LabServer, segment: str, size: float) -> None:
    target = lab.archive / segment
    deadline = time.monotonic() + WAIT_S
    interval = 0.05
    while True:
        with lab.connect() as conn:
            row = conn.execute("SELECT archived_count, last_archived_wal, failed_count, last_failed_wal "
                               "FROM pg_stat_archiver").fetchone()
        assert row is not None
        archived, last, failed, last_failed = row
        if failed:
            times = "once" if failed == 1 else f"{failed} times"
            raise Failure(f"the archive_command failed for segment {last_failed} ({times} so far)",
                          expected=f"{segment} copied into ${ARCHIVE_ENV}", actual="the command exited non-zero",
                          hint=HINT, evidence=lab.log_tail(12) or None, reproduce=RUN_AGAIN.format(check=CHECK))
        if target.is_file() and os.stat(target).st_size == size:
            return
        # The archiver counts a segment once its command exited 0, after the copy: done and missing
        # is a command that reports success without copying.
        if (last is not None and str(last) >= segment) or time.monotonic() >= deadline:
            break
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)
    present = sorted(os.listdir(lab.archive))[:5]
    counted = last is not None and str(last) >= segment
    actual = (f"the archiver counted {archived} segment{'s' if archived != 1 else ''} archived (last: {last}); "
              f"${ARCHIVE_ENV} holds {', '.join(present) or 'nothing'}")
    if target.exists():
        actual += f"; {segment} is {os.stat(target).st_size} bytes, not {size:.0f}"
    message = (f"the archive_command reported {segment} archived, but ${ARCHIVE_ENV} does not hold it whole"
               if counted else f"segment {segment} did not reach ${ARCHIVE_ENV} within {WAIT_S:.0f} s of "
                               "pg_switch_wal()")
    raise Failure(message, expected=f"${ARCHIVE_ENV}/{segment}, {size:.0f} bytes", actual=actual,
                  hint=f"A command that exits 0 without copying the whole file loses WAL silently. {HINT}",
                  evidence=lab.log_tail(12) or None, reproduce=RUN_AGAIN.format(check=CHECK))
