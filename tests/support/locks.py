"""A lock for the whole machine, across pytest workers and runs: tests that must not run
beside each other take turns on it."""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def machine_lock(name: str) -> Iterator[None]:
    with open(Path(tempfile.gettempdir()) / f"harness-tests-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
