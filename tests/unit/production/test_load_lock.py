"""prod.load.rps takes turns with other harness load tests on the same machine."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from harness.outcomes import CannotCheck
from harness.validators.production.load import one_load_at_a_time


def test_a_second_load_waits_for_the_first(tmp_path: Path) -> None:
    lock = tmp_path / "load.lock"
    notes: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def first() -> None:
        with one_load_at_a_time(notes.append, lock_file=lock):
            inside.set()
            release.wait(5)

    holder = threading.Thread(target=first)
    holder.start()
    assert inside.wait(5)
    started = time.monotonic()  # before the timer starts: the wait is at least its 1.2 s
    threading.Timer(1.2, release.set).start()
    with one_load_at_a_time(notes.append, wait_s=10, lock_file=lock):
        waited = time.monotonic() - started
    holder.join(5)
    assert 1.0 < waited < 5
    assert len(notes) == 1 and "waited" in notes[0]


def test_a_load_that_never_ends_is_reported_not_waited_for_forever(tmp_path: Path) -> None:
    lock = tmp_path / "load.lock"
    inside = threading.Event()
    release = threading.Event()

    def first() -> None:
        with one_load_at_a_time(lambda _: None, lock_file=lock):
            inside.set()
            release.wait(5)

    holder = threading.Thread(target=first)
    holder.start()
    assert inside.wait(5)
    try:
        with pytest.raises(CannotCheck, match="another harness load test"), \
                one_load_at_a_time(lambda _: None, wait_s=0.3, lock_file=lock):
            pass
    finally:
        release.set()
        holder.join(5)


def test_no_lock_file_no_waiting(tmp_path: Path) -> None:
    with one_load_at_a_time(lambda _: None, lock_file=tmp_path / "missing-dir" / "load.lock"):
        pass
