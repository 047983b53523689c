"""The app's wall clock under libfaketime, so that token expiry is tested without waiting.

A lab whose lab.toml sets `[app] clock = "faketime"` gets its app *started* (not installed
or migrated) with libfaketime preloaded. libfaketime reads the clock's offset from a file
that only the harness writes; checks move it with `ctx.clock.shift(seconds)` and put it
back with `ctx.clock.reset()`.

Only the wall clock moves (FAKETIME_DONT_FAKE_MONOTONIC=1): timers, timeouts and
connection pools keep real time, so moving the clock back never stalls the app. What
reads the wall clock does move: JWT `exp`/`nbf` checks, but also in-process rate-limit
windows and cache TTLs, so a check that shifts the clock runs last or resets it after.
Statically linked apps (Go) ignore LD_PRELOAD: checks confirm the shift through the
app's own `Date` header before they rely on it.

libfaketime leaves a POSIX shared-memory segment and semaphore behind, named after the
first process of the app that spawns another (`/dev/shm/faketime_shm_<pid>` and
`sem.faketime_sem_<pid>`), even on a clean exit. The clock is told which processes ran
under it and removes exactly those names when it closes; `harness doctor` finds those of
processes that are gone (a harness killed outright) and `--clean` removes them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from harness.outcomes import CannotCheck
from harness.proc.procfs import start_time

# Debian/Ubuntu package `libfaketime` (multi-arch paths), then a source install.
LIBRARY_CANDIDATES = (
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
    "/usr/lib/faketime/libfaketimeMT.so.1",
    "/usr/local/lib/faketime/libfaketimeMT.so.1",
)
LIBRARY_ENV = "HARNESS_FAKETIME_LIB"
SHARED_MEMORY = Path("/dev/shm")


def find_library(candidates: Sequence[str] = LIBRARY_CANDIDATES, env: Mapping[str, str] = os.environ) -> Path | None:
    override = env.get(LIBRARY_ENV)
    for name in ([override] if override else []) + list(candidates):
        if Path(name).is_file():
            return Path(name)
    return None


_LEFTOVER = re.compile(r"(?:faketime_shm_|sem\.faketime_sem_)(\d+)")


def orphaned(shm: Path = SHARED_MEMORY) -> list[Path]:
    """libfaketime's segments and semaphores whose creating process has exited."""
    found = []
    for path in shm.iterdir() if shm.is_dir() else ():
        match = _LEFTOVER.fullmatch(path.name)
        if match and start_time(int(match.group(1))) is None:
            found.append(path)
    return sorted(found)


class FakeClock:
    """The offset file libfaketime reads on every clock call (FAKETIME_NO_CACHE=1)."""

    def __init__(self, library: Path | None, directory: Path) -> None:
        self.library = library
        self.directory = directory
        self.path = directory / "offset"
        self._offset = 0
        self._pids: set[int] = set()
        self._write(0)

    @classmethod
    def create(cls, library: Path | None = None) -> FakeClock:
        directory = Path(tempfile.mkdtemp(prefix="harness-clock-"))
        # The app may run as another (unprivileged) user: it must be able to read the file.
        directory.chmod(0o755)
        return cls(library if library is not None else find_library(), directory)

    @property
    def offset_s(self) -> int:
        return self._offset

    def environment(self) -> dict[str, str]:
        """What the app's start command gets on top of its usual environment."""
        if self.library is None:
            return {}
        return {
            "LD_PRELOAD": str(self.library),
            "FAKETIME_TIMESTAMP_FILE": str(self.path),
            "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            # libfaketime's "monotonic fix" turns every timed wait on a condition variable into a
            # loop of short waits: a JVM, whose threads park with timeouts all the time, then burns
            # a core (a Spring Boot app started in 6 s without it, in 75 s with it). With the
            # monotonic clock left real (above), a timed wait needs no fix.
            "FAKETIME_FORCE_MONOTONIC_FIX": "0",
        }

    def shift(self, seconds: float) -> None:
        """Move the app's wall clock by `seconds` (cumulative; negative moves it back)."""
        if self.library is None:
            raise CannotCheck(
                "libfaketime is not installed, so the harness cannot move the app's clock",
                fix="Install it (Debian/Ubuntu: apt-get install libfaketime) or point "
                    f"{LIBRARY_ENV} at libfaketimeMT.so.1",
            )
        self._write(self._offset + round(seconds))

    def reset(self) -> None:
        if self._offset != 0:
            self._write(0)

    def adopt(self, pids: Iterable[int]) -> None:
        """Processes that ran under this clock: their libfaketime leftovers go at close()."""
        self._pids.update(pids)

    def leftovers(self, shm: Path = SHARED_MEMORY) -> list[Path]:
        names = (name for pid in sorted(self._pids) for name in (f"faketime_shm_{pid}", f"sem.faketime_sem_{pid}"))
        return [shm / name for name in names if (shm / name).exists()]

    def close(self, shm: Path = SHARED_MEMORY) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
        for path in self.leftovers(shm):
            with contextlib.suppress(OSError):
                path.unlink()

    def _write(self, offset: int) -> None:
        # Written aside and renamed: libfaketime re-reads the file on every call and must
        # never see it empty or half-written.
        staging = self.directory / "offset.next"
        staging.write_text(f"{offset:+d}\n", encoding="ascii")
        staging.chmod(0o644)
        os.replace(staging, self.path)
        self._offset = offset
