"""ManagedProcess.wait_exit: woken by the leader's exit (a pidfd), or looking again after pauses
where pidfds are refused; the exit code either way, None at the deadline, nothing reaped."""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.proc import process
from harness.proc.process import ManagedProcess


def _started(tmp_path: Path, script: str) -> ManagedProcess:
    proc = ManagedProcess("t", ["/bin/sh", "-c", script], cwd=tmp_path, env={"PATH": os.environ["PATH"]})
    proc.start()
    return proc


def _no_pidfd(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(pid: int, flags: int = 0) -> int:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "pidfd_open", refused)


def test_the_exit_wakes_the_wait_without_a_pause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The leader exits only once the wait holds its pidfd (released from inside it), and the
    wait never sleeps: the exit itself woke it."""
    gate = tmp_path / "gate"
    os.mkfifo(gate)
    real_notice = process._exit_notice

    @contextlib.contextmanager
    def notice_then_release(pid: int) -> Iterator[select.poll | None]:
        with real_notice(pid) as notice:
            assert notice is not None, "this kernel refuses pidfds"
            threading.Thread(target=gate.write_text, args=("go\n",), daemon=True).start()
            yield notice

    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s: the pidfd should have woken the wait")

    proc = _started(tmp_path, f"read _ < {gate}; exit 7")
    monkeypatch.setattr(process, "_exit_notice", notice_then_release)
    monkeypatch.setattr(time, "sleep", no_sleep)
    try:
        assert proc.wait_exit(60) == 7
    finally:
        monkeypatch.undo()
        proc.stop()


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "pauses"])
def test_the_exit_code_or_none_at_the_deadline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pidfd: bool) -> None:
    if not pidfd:
        _no_pidfd(monkeypatch)
    done = _started(tmp_path, "exit 3")
    running = _started(tmp_path, "sleep 300")
    try:
        assert done.wait_exit(60) == 3
        assert running.wait_exit(0.05) is None
        assert running.alive(), "a wait that ran out must not reap, nor stop, the process"
        assert done.wait_exit(0) == 3, "asked again, an exited process answers at once"
    finally:
        assert running.stop(grace_s=5) is not None
        done.stop()


def test_the_tail_of_an_exited_process_holds_what_it_printed(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader thread behind the process (a busy machine) is waited for once the leader has
    exited: a server that refused to start and exited shows why, never an empty log."""
    reading = threading.Event()
    release = threading.Event()
    real_add = process.LogBuffer.add

    def slow_add(self: process.LogBuffer, line: str) -> None:
        reading.set()
        release.wait(5)  # the reader is held until the leader is gone
        real_add(self, line)

    monkeypatch.setattr(process.LogBuffer, "add", slow_add)
    proc = _started(tmp_path, "echo 'FATAL:  could not open configuration file'; exit 1")
    assert reading.wait(5)
    assert proc.wait_exit(5) == 1
    assert proc.log.tail(5) == "", "the reader is still behind: the case the tail waits for"
    threading.Timer(0.2, release.set).start()
    assert "FATAL:  could not open configuration file" in proc.tail(5)
    proc.stop()
