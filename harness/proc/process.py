"""A child process in its own process group, with captured, capped output.

Stop means SIGTERM (or the service's own shutdown signal) to the whole group, then
SIGKILL when the grace period ends: shells, npm and JVM launchers spawn children that a
plain kill of the direct child would leave behind.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from harness.proc.logbuffer import LogBuffer
from harness.proc.procfs import processes

# A line is read in pieces of at most this size: output without newlines must not grow the
# harness's memory (the LogBuffer cuts long lines anyway).
READ_CHUNK = 65536
LOG_LIMIT_NOTE = "[harness] log limit ({size}) reached: the output was cut and the process stopped"


class ManagedProcess:
    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        log: LogBuffer | None = None,
        stop_signal: int = signal.SIGTERM,
        user: int | None = None,
        group: int | None = None,
        on_line: Callable[[str], None] | None = None,
        on_start: Callable[[int], None] | None = None,
        log_limit_bytes: int | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log = log or LogBuffer()
        self._cwd = cwd
        self._env = dict(env)
        self._stop_signal = stop_signal
        self._user = user
        self._group = group
        self._on_line = on_line
        self._on_start = on_start
        # Past this much output the process group is killed (grading: a log flood ends here).
        self._log_limit = log_limit_bytes
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self.started_at = 0.0
        # The leader's peak resident set size, its reaped descendants' included (wait4's
        # ru_maxrss), once stop() has reaped it; None before, or when it was reaped elsewhere.
        self.peak_rss_bytes: int | None = None
        self._drained = False  # tail() waited once for the reader after the leader's exit

    def start(self) -> None:
        self.started_at = time.monotonic()
        self._proc = subprocess.Popen(
            self.argv,
            cwd=self._cwd,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, and no terminal SIGINT
            user=self._user,
            group=self._group,
            extra_groups=[] if self._user is not None else None,
        )
        if self._on_start:
            self._on_start(self._proc.pid)
        assert self._proc.stdout is not None
        self._reader = threading.Thread(target=self._read, args=(self._proc.stdout,),
                                        name=f"log-{self.name}", daemon=True)
        self._reader.start()

    def _read(self, stream: IO[bytes]) -> None:
        read = 0  # bytes as written by the process (the buffer counts what it keeps)
        for raw in iter(lambda: stream.readline(READ_CHUNK), b""):
            if self.log.limit_reached:
                continue  # drain what is left in the pipe while the group dies
            read += len(raw)
            line = raw.decode("utf-8", errors="replace")
            self.log.add(line)
            if self._on_line:
                self._on_line(line.rstrip("\n"))
            if self._log_limit is not None and read > self._log_limit:
                self.log.limit_reached = True
                self.log.add(LOG_LIMIT_NOTE.format(size=_size(self._log_limit)))
                self._signal_group(signal.SIGKILL)
        stream.close()

    @property
    def pid(self) -> int:
        assert self._proc is not None, "not started"
        return self._proc.pid

    def _peek(self) -> int | None:
        """The leader's exit code if it has exited, *without reaping it*.

        Until stop() reaps the leader, its pid, which is the group's id, cannot be handed
        to an unrelated process: signalling the group never hits someone else's processes.
        """
        assert self._proc is not None
        if self._proc.returncode is not None:
            return self._proc.returncode
        try:
            info = os.waitid(os.P_PID, self._proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:  # reaped elsewhere
            return self._proc.poll()
        if info is None:
            return None
        return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status

    def poll(self) -> int | None:
        return None if self._proc is None else self._peek()

    def alive(self) -> bool:
        return self._proc is not None and self._peek() is None

    def wait_exit(self, timeout_s: float) -> int | None:
        """The exit code once it has exited, None if still running after `timeout_s` (not reaped).

        Woken by the kernel the moment the leader exits (a pidfd), where that is available: a
        sleep between looks at it would come late by up to the sleep, on every migration run,
        install and stop of every run. Elsewhere it looks again after a short pause."""
        assert self._proc is not None
        deadline = time.monotonic() + timeout_s
        if (code := self._peek()) is not None:
            return code
        with _exit_notice(self._proc.pid) as notice:
            pause = 0.002
            while (code := self._peek()) is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                if notice is not None:
                    # Returns when the leader exits (or at the deadline). Should the leader still
                    # look alive after the notice, the pauses below take over: no busy loop.
                    if notice.poll(max(1, int(left * 1000))):
                        notice = None
                else:
                    time.sleep(min(pause, left))
                    pause = min(pause * 2, 0.05)
        return code

    def wait(self, timeout_s: float) -> int:
        """The exit code; raises subprocess.TimeoutExpired when still running."""
        assert self._proc is not None
        code = self.wait_exit(timeout_s)
        if code is None:
            raise subprocess.TimeoutExpired(self.argv, timeout_s)
        self.join_output(2.0)
        return code

    def join_output(self, timeout_s: float) -> None:
        if self._reader is not None:
            self._reader.join(timeout_s)

    def _signal_group(self, sig: int) -> None:
        assert self._proc is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, sig)

    def group_pids(self) -> list[int]:
        """The live processes of this process's group: the leader and what it spawned."""
        if self._proc is None:
            return []
        leader = self._proc.pid
        return [leader, *(pid for pid, fields in processes() if fields[2] == str(leader) and pid != leader)]

    def stop(self, grace_s: float = 5.0) -> int | None:
        """Stop the whole group: the service's signal, then SIGKILL. Returns the exit code."""
        if self._proc is None:
            return None
        if self._peek() is None:
            self._signal_group(self._stop_signal)
            if self.wait_exit(grace_s) is None:
                self._signal_group(signal.SIGKILL)
                self.wait_exit(10)
        # Children that ignored the signal, or outlived their parent, still hold the group;
        # the unreaped leader keeps the group id ours until the wait() below.
        self._signal_group(signal.SIGKILL)
        if self._proc.returncode is None and self._peek() is not None:
            self._reap()
        self._proc.wait(timeout=10)
        self.join_output(2.0)
        return self._proc.returncode

    def _reap(self) -> None:
        """Reap the exited leader with wait4, which also gives its resource usage: ru_maxrss is the
        largest of its own peak and those of the descendants it reaped (a jail's chain included)."""
        assert self._proc is not None
        try:
            _pid, status, usage = os.wait4(self._proc.pid, 0)
        except ChildProcessError:  # reaped elsewhere: Popen.wait below tells what it can
            return
        self._proc.returncode = os.waitstatus_to_exitcode(status)
        self.peak_rss_bytes = usage.ru_maxrss * 1024  # Linux counts it in KiB

    def tail(self, lines: int = 20) -> str:
        """The last lines of output. Once the leader has exited, what it printed before: the reader
        thread may still be behind on a busy machine (a server that exited at once showed an empty
        log), so it gets up to two seconds, once, to read the pipe to its end."""
        if not self._drained and self._proc is not None and self._peek() is not None:
            self._drained = True
            self.join_output(2.0)
        return self.log.tail(lines)


@contextlib.contextmanager
def _exit_notice(pid: int) -> Iterator[select.poll | None]:
    """A poll object that turns readable when `pid` (an unreaped child) exits, or None where the
    kernel or a seccomp filter refuses pidfds (then the caller polls with pauses)."""
    try:
        fd = os.pidfd_open(pid)
    except (OSError, AttributeError):
        yield None
        return
    try:
        notice = select.poll()
        notice.register(fd, select.POLLIN)
        yield notice
    finally:
        os.close(fd)


def run_to_end(
    name: str,
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout_s: float,
    on_line: Callable[[str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    user: int | None = None,
    group: int | None = None,
    log_limit_bytes: int | None = None,
) -> tuple[int | None, LogBuffer, float]:
    """Run a command to completion; (exit code or None on timeout, its log, seconds)."""
    proc = ManagedProcess(name, argv, cwd=cwd, env=env, on_line=on_line, on_start=on_start,
                          user=user, group=group, log_limit_bytes=log_limit_bytes)
    proc.start()
    try:
        code: int | None = proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        code = None
    finally:
        proc.stop(grace_s=3.0)
    return code, proc.log, time.monotonic() - proc.started_at


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size / 1024:g} KB"
