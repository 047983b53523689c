"""Cleanup that survives the harness: a sidecar process that undoes a run after a crash.

Ctrl-C and ordinary errors are handled by the harness's own `finally` blocks. A harness
killed outright (SIGKILL, OOM killer, a closed CI job) cannot clean up, so every resource a
run creates is also registered with this sidecar over a pipe. When the pipe closes without
a final "done", the sidecar stops the registered process groups, removes the registered
containers and temp dirs, runs the registered SQL cleanup, and empties and removes the
registered cgroups (grading). (The same idea as
Testcontainers' Ryuk, without needing an image.)
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

from harness.proc.cgroupfs import kill_tree, remove_tree, tree_pids
from harness.proc.procfs import start_time


class Reaper:
    """The harness side: registers resources; `close()` on a clean finish."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "harness.proc.reaper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # a terminal Ctrl-C must not kill the cleaner
        )

    def _send(self, message: dict[str, Any]) -> None:
        if self._proc is None or self._proc.stdin is None:
            return
        try:
            self._proc.stdin.write(json.dumps(message) + "\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass

    def process_group(self, pgid: int) -> None:
        self._send({"op": "pg", "pgid": pgid, "start": start_time(pgid)})

    def forget_process_group(self, pgid: int) -> None:
        self._send({"op": "forget-pg", "pgid": pgid})

    def path(self, path: Path) -> None:
        self._send({"op": "path", "path": str(path)})

    def forget_path(self, path: Path) -> None:
        self._send({"op": "forget-path", "path": str(path)})

    def containers(self, label: str) -> None:
        """Containers carrying this label (key=value) are removed after a crash."""
        self._send({"op": "docker", "label": label})

    def sql(self, key: str, dsn: str, statements: list[str]) -> None:
        """SQL that undoes what `key` created on a server the run does not own."""
        self._send({"op": "sql", "key": key, "dsn": dsn, "statements": statements})

    def forget_sql(self, key: str) -> None:
        self._send({"op": "forget-sql", "key": key})

    def cgroup(self, path: Path) -> None:
        """A cgroup directory whose tasks are killed and which is removed after a crash."""
        self._send({"op": "cgroup", "path": str(path)})

    def forget_cgroup(self, path: Path) -> None:
        self._send({"op": "forget-cgroup", "path": str(path)})

    def close(self) -> None:
        """A clean finish: the harness cleaned up itself; the sidecar exits doing nothing."""
        if self._proc is None:
            return
        self._send({"op": "done"})
        if self._proc.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        self._proc = None


def _kill_group(pgid: int, start: str | None) -> None:
    if start is not None and start_time(pgid) != start:
        return  # the leader is gone and the pid was reused: not ours
    for sig, pause in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 0.0)):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + pause
        while time.monotonic() < deadline:
            if start_time(pgid) is None:
                return
            time.sleep(0.05)


def _remove_containers(label: str) -> None:
    with contextlib.suppress(Exception):
        import docker  # imported lazily: most runs never use Docker

        client = docker.from_env(timeout=10)
        for container in client.containers.list(all=True, filters={"label": label}):
            with contextlib.suppress(Exception):
                container.remove(force=True, v=True)


def _run_sql(dsn: str, statements: list[str]) -> None:
    with contextlib.suppress(Exception):
        import psycopg

        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
            for statement in statements:
                with contextlib.suppress(Exception):
                    conn.execute(statement)


def _remove_cgroup(root: str) -> None:
    """Kill every task below `root` (what the other cleanups left first), then remove the dirs."""
    deadline = time.monotonic() + 3.0  # a worker's own reaper may still be cleaning up
    while tree_pids([Path(root)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    kill_tree([Path(root)], timeout_s=10.0, pause_s=0.05)
    remove_tree(Path(root), tries=40, pause_s=0.05)


def serve(stream: IO[str]) -> None:
    groups: dict[int, str | None] = {}
    paths: list[str] = []
    cgroups: list[str] = []
    labels: list[str] = []
    sql: dict[str, tuple[str, list[str]]] = {}
    for line in stream:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        op = msg.get("op")
        if op == "done":
            return
        if op == "pg":
            groups[int(msg["pgid"])] = msg.get("start")
        elif op == "forget-pg":
            groups.pop(int(msg["pgid"]), None)
        elif op == "path":
            paths.append(msg["path"])
        elif op == "forget-path":
            paths = [p for p in paths if p != msg["path"]]
        elif op == "docker":
            labels.append(msg["label"])
        elif op == "sql":
            sql[msg["key"]] = (msg["dsn"], list(msg["statements"]))
        elif op == "forget-sql":
            sql.pop(msg["key"], None)
        elif op == "cgroup":
            cgroups.append(msg["path"])
        elif op == "forget-cgroup":
            cgroups = [p for p in cgroups if p != msg["path"]]
    # The pipe closed without "done": the harness died. Undo what it left.
    for pgid, start in groups.items():
        _kill_group(pgid, start)
    for label in labels:
        _remove_containers(label)
    for dsn, statements in sql.values():
        _run_sql(dsn, statements)
    for path in paths:
        # A PostgreSQL server's folder: the segment its killed postmaster left goes too.
        from harness.proc.pg_ipc import release_left  # imported lazily: the reaper starts with every run

        release_left(Path(path))
        shutil.rmtree(path, ignore_errors=True)
    for cgroup in cgroups:
        _remove_cgroup(cgroup)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(sys.stdin)
