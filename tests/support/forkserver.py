"""A fork server for the harness runs the tests start, one per pytest worker.

Each run the suite starts (some 450 in a CI run) spends about a quarter of a CPU-second
importing the same modules before it does anything: the runner, psycopg, httpx, the reporters.
The server imports them once; each run is then a fork of it that runs `python -m harness.cli`
as a new interpreter would: a pid of its own, the caller's environment, working directory and
argv, stdin from /dev/null, stdout and stderr to files, Python's default signal handlers, and
its exit status (after the interpreter's own exit steps: non-daemon threads joined, atexit).

What the server does not import is what a fresh run would do differently:
- the validators: their @check decorators fill one registry, which in a run of its own holds
  the modules its lab's checks name and no other;
- anything read from the environment when the interpreter starts (its encoding, PYTHON*): a run
  whose environment differs there from the server's runs as a plain subprocess instead.
One thing differs all the same: the hash seed is the server's, so the order in which a set of
strings is walked is the same in every run of one worker, where started interpreters each draw
their own (HARNESS_TEST_FORK=0 brings that back).

The socket is in a folder only the caller's account may enter (mkdtemp): in the grading tests
the caller is root, and a submission's account must not reach a server that runs what it is told.

Two forks per run: a waiter, which reports the run's pid and then its exit status and CPU time
(its own and that of the descendants it reaped: the app, its databases, its builds) on the
caller's connection, and the run itself, the waiter's child (the server serves the next run
meanwhile; it never waits, so it never has a thread to fork beside).

Usage as a module: `python -m tests.support.forkserver SOCKET` (started by ForkServer.start).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib
import importlib.util
import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[2]
# Imported once by the server. The command modules pull in the runner, the services and the
# reporters; the libraries are the validators' own heavy ones, which carry no registry.
PRELOAD = ("harness.errors", "harness.commands.check", "harness.commands.start", "harness.commands.labs",
           "harness.commands.doctor", "psycopg", "httpx", "yaml", "jsonschema", "referencing",
           "openapi_spec_validator")
# What the interpreter reads from the environment when it starts, and keeps.
STARTUP_VARS = ("LANG", "LC_ALL", "LC_CTYPE")
MODULE = "harness.cli"
DISABLE_ENV = "HARNESS_TEST_FORK"  # "0": every run a plain subprocess
PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


class Ran(NamedTuple):
    """A run's end, as subprocess.run gives it, and the CPU seconds it took with what it reaped."""

    code: int
    stdout: str
    stderr: str
    cpu_s: float


def startup_env(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k in STARTUP_VARS or k.startswith("PYTHON")}


# --- the server side ---------------------------------------------------------------------------

def serve(path: str) -> None:
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the waiters are reaped by the kernel
    print("ready", flush=True)
    while True:
        conn, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            _wait_for_run(conn)
        conn.close()


def _wait_for_run(conn: socket.socket) -> None:
    """The waiter: start the run, say its pid, wait, say its exit status. Never returns."""
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # so that waitpid sees the run end
        with conn.makefile("r", encoding="utf-8") as lines:
            request = json.loads(lines.readline())
        pid = os.fork()
        if pid == 0:
            conn.close()
            os._exit(_run(request))
        conn.sendall(f"{pid}\n".encode())
        status, cpu_s = _reap_run(pid)
        conn.sendall(f"{os.waitstatus_to_exitcode(status)} {cpu_s:.3f}\n".encode())
    except BaseException:  # the waiter reports by closing; it must not return
        code = 1
    finally:
        os._exit(code)


def _reap_run(pid: int) -> tuple[int, float]:
    """Wait for the run: its wait status, and the CPU seconds of it and of every descendant that
    ended meanwhile. The waiter is their subreaper: an app started through `sh -c` whose shell
    died of the harness's SIGTERM first would otherwise end as init's child, its CPU uncounted."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)  # where it is refused, the orphans' CPU goes uncounted
    cpu_s = 0.0
    while True:
        ended, status, usage = os.wait4(-1, 0)  # an orphan as soon as it ends: no zombie is left waiting
        cpu_s += usage.ru_utime + usage.ru_stime
        if ended == pid:
            return status, cpu_s


def _run(request: dict[str, Any]) -> int:
    """The run: become `python -m harness.cli ARGS` in the caller's place, and exit as it would."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    tempfile.tempdir = None  # read again from this environment's TMPDIR
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        out = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, fd)
        os.close(out)
    os.close(null)
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGCHLD):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    module = request.get("module", MODULE)
    sys.path[0] = request["cwd"]
    sys.modules.pop(module, None)  # run as __main__ alone, as `python -m` does
    spec = importlib.util.find_spec(module)
    sys.argv = [spec.origin if spec is not None and spec.origin else module, *request["args"]]
    code = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as done:
        code = _exit_code(done.code)
    except BaseException:  # as the interpreter does with an uncaught exception
        import traceback

        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        shutdown()  # the interpreter joins the threads that are not daemons before atexit
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    return code


def _exit_code(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    print(value, file=sys.stderr)
    return 1


# --- the caller's side -------------------------------------------------------------------------

class ForkServer:
    """One server, started on first use and stopped when the caller's interpreter exits."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pytest-forks-"))
        self.path = str(self.folder / "socket")
        self.env = startup_env(dict(os.environ))
        self.process = subprocess.Popen([sys.executable, "-m", "tests.support.forkserver", self.path], cwd=ROOT,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError(f"the fork server did not start: {line!r}")
        atexit.register(self.stop)

    def accepts(self, env: dict[str, str]) -> bool:
        return self.process.poll() is None and startup_env(env) == self.env

    def run(self, args: list[str], *, cwd: Path, env: dict[str, str], timeout: float,
            module: str = MODULE) -> Ran | None:
        """The end of `python -m MODULE ARGS` (exit code, stdout, stderr, CPU seconds); None when the
        server cannot be reached (the run did not start: the caller starts it itself)."""
        with tempfile.TemporaryDirectory(prefix="pytest-fork-run-") as tmp:
            out, err = Path(tmp, "stdout"), Path(tmp, "stderr")
            request = {"module": module, "args": args, "cwd": str(cwd), "env": env, "stdout": str(out),
                       "stderr": str(err)}
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                try:
                    conn.connect(self.path)
                except OSError:
                    return None
                conn.sendall((json.dumps(request) + "\n").encode())
                with conn.makefile("r", encoding="utf-8") as lines:
                    pid = int(lines.readline())
                    conn.settimeout(timeout)
                    try:
                        status = lines.readline()
                    except TimeoutError:
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                        raise subprocess.TimeoutExpired(args, timeout) from None
            if not status.strip():
                raise RuntimeError(f"the fork server lost the run {pid} of harness {' '.join(args)}")
            code, cpu = status.split()
            return Ran(int(code), _text(out), _text(err), float(cpu))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(OSError):
            Path(self.path).unlink()
            self.folder.rmdir()


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace") if path.is_file() else ""


_SERVER: ForkServer | None = None
_FAILED = False


def server_for(env: dict[str, str]) -> ForkServer | None:
    """This worker's server, when it can run a harness with this environment."""
    global _SERVER, _FAILED
    if _FAILED or os.environ.get(DISABLE_ENV) == "0":
        return None
    if _SERVER is None:
        try:
            _SERVER = ForkServer()
        except (OSError, RuntimeError):
            _FAILED = True  # the suite runs as before, a subprocess per run
            return None
    return _SERVER if _SERVER.accepts(env) else None


if __name__ == "__main__":
    serve(sys.argv[1])
