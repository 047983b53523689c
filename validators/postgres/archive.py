"""pg.archive.works: a WAL segment the server switches away from lands in $ARCHIVE_DIR, whole, and
a segment whose name the folder already holds is refused, the file there left as it was."""

from __future__ import annotations

import errno
import os
import time

import psycopg

from harness.outcomes import CannotCheck, Failure
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
    """WAL archiving is on, a switched segment appears in $ARCHIVE_DIR, and none is overwritten."""
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
        _refuses_to_overwrite(lab)


def _switch(lab: LabServer) -> str:
    """Write something, switch to a new segment; the name of the one just finished."""
    with lab.connect() as conn:
        conn.execute("CREATE TABLE public.archive_probe AS SELECT g FROM generate_series(1, 1000) AS g")
        row = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()
    assert row is not None
    return str(row[0])


def _archiver(lab: LabServer) -> tuple[int, str | None, int, str | None]:
    """pg_stat_archiver: segments archived, the last one, failures, the last that failed."""
    with lab.connect() as conn:
        row = conn.execute("SELECT archived_count, last_archived_wal, failed_count, last_failed_wal "
                           "FROM pg_stat_archiver").fetchone()
    assert row is not None
    archived, last, failed, last_failed = row
    assert isinstance(archived, int) and isinstance(failed, int)
    return archived, None if last is None else str(last), failed, None if last_failed is None else str(last_failed)


def _wait_archived(lab: LabServer, segment: str, size: float) -> None:
    target = lab.archive / segment
    deadline = time.monotonic() + WAIT_S
    interval = 0.05
    while True:
        archived, last, failed, last_failed = _archiver(lab)
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


# What the harness puts in $ARCHIVE_DIR under the name of the segment the server writes next: an
# archive of another cluster, or one restored from a backup, may hold that name already, and an
# archive_command that overwrites it destroys that history (PostgreSQL's docs on continuous
# archiving: refuse, exit non-zero). Nothing like a segment: a cmp of identical files may pass.
TAKEN = b"harness: this name was taken before the server archived its segment; leave this file as it is\n"
OVERWRITE_HINT = (
    "An archive_command must refuse a file that is already there and exit non-zero, so that the archiver keeps "
    "the segment and tries again: test ! -f \"$ARCHIVE_DIR/%f\" && cp %p \"$ARCHIVE_DIR/%f\". A plain cp overwrites; "
    "cp -n exits 0 without copying, and the segment is lost.")


def _refuses_to_overwrite(lab: LabServer) -> None:
    """Put a file in the archive under the name of the segment being written, switch, and see
    the archiver's command refuse it (a failure counted for that segment) with the file intact."""
    with lab.connect() as conn:
        taken, before = _plant_and_switch(lab, conn)
    deadline = time.monotonic() + WAIT_S
    interval = 0.05
    while True:
        _archived, last_archived, failed, last_failed = _archiver(lab)
        refused = failed > before and str(last_failed) == taken
        counted = last_archived is not None and str(last_archived) >= taken
        if refused or counted or time.monotonic() >= deadline:
            break
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)
    intact = _still_taken(lab, taken)
    if refused and intact:
        return
    expected = (f"the archive_command exits non-zero for {taken}, which ${ARCHIVE_ENV} already held, and leaves "
                "that file as it was")
    if not intact:
        message = f"the archive_command overwrote {taken}, a file ${ARCHIVE_ENV} already held"
        actual = f"{taken} in ${ARCHIVE_ENV} is no longer the file the harness put there"
    elif counted:
        message = (f"the archive_command reported {taken} archived while ${ARCHIVE_ENV} held another file of "
                   "that name: the segment is lost")
        actual = "the command exited 0 without copying; the archiver counted the segment as archived"
    else:
        message = f"segment {taken} was neither archived nor refused within {WAIT_S:.0f} s of pg_switch_wal()"
        actual = f"pg_stat_archiver: failed_count {failed}, last failed {last_failed}, last archived {last_archived}"
    raise Failure(message, expected=expected, actual=actual, hint=OVERWRITE_HINT,
                  evidence=lab.log_tail(12) or None, reproduce=RUN_AGAIN.format(check=CHECK))


def _plant_and_switch(lab: LabServer, conn: psycopg.Connection[tuple[object, ...]]) -> tuple[str, int]:
    """(the name planted and then switched away from, failures counted before the switch)."""
    for _ in range(3):
        # Written first: right after a switch the position is the new segment's first byte, which
        # pg_walfile_name names after the segment before it.
        conn.execute("INSERT INTO public.archive_probe SELECT g FROM generate_series(1, 1000) AS g")
        row = conn.execute("SELECT pg_walfile_name(pg_current_wal_lsn()), failed_count "
                           "FROM pg_stat_archiver").fetchone()
        assert row is not None
        current, before = str(row[0]), row[1]
        assert isinstance(before, int)
        _plant(lab, current)
        finished = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()
        if finished is not None and str(finished[0]) == current:
            return current, before
        # The server switched by itself in between (archive_timeout): the next segment, planted anew.
    raise CannotCheck("the server kept switching WAL segments by itself (archive_timeout?) while the harness "
                      "prepared the overwrite probe")


def _plant(lab: LabServer, name: str) -> None:
    """A new file `name` in the archive folder, made through the descriptor opened before the server
    ran, given to the folder's owner (the server's account) so that its command could overwrite it."""
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=lab.archive_fd)
    except FileExistsError:
        return  # planted on an earlier attempt, or the command put something there: judged as found
    try:
        os.write(fd, TAKEN)
        if os.geteuid() == 0:
            folder = os.fstat(lab.archive_fd)
            os.fchown(fd, folder.st_uid, folder.st_gid)
    finally:
        os.close(fd)


def _still_taken(lab: LabServer, name: str) -> bool:
    """Whether the archive still holds, under `name`, exactly the file the harness put there (a link
    in its place is not followed: it counts as replaced)."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=lab.archive_fd)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ELOOP):
            return False
        raise
    try:
        return os.read(fd, len(TAKEN) + 1) == TAKEN
    except OSError:  # a folder, or anything else that is not a file, under the name
        return False
    finally:
        os.close(fd)
