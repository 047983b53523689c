"""Named processes: services of the learner's own that the app calls (a gateway's catalog).

A lab lists them (`[app] processes = ["catalog"]` in lab.toml), the project says how to start
each (`[processes.catalog]` in harness.toml). Each gets a port of its own in PORT and starts
before the app, from the same install, with the same account, launcher (a grading jail),
environment and log cap as the app; the run ends them with the app, also on Ctrl-C.

The app does not reach a process directly: it gets <NAME>_URL, the address of a recording proxy
of the harness's in front of the process. The proxy lets checks see what the app sends (headers
such as traceparent), count the app's calls while the process is down (a circuit breaker stops
making them), and hold the process's answers back for a while (requests in flight at a SIGTERM).
While the process is down the proxy closes the app's connection without an answer, as a dead
upstream behind any TCP proxy looks.
"""

from __future__ import annotations

import http.client
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import httpcap
from harness.config import ProcessConfig
from harness.durations import format_duration
from harness.errors import ExitCode, HarnessError
from harness.proc.health import NotReady, wait_healthy
from harness.proc.process import ManagedProcess
from harness.proc.procfs import PROC, processes

LOG_LINES = 25
# Headers that belong to one connection, never forwarded (RFC 9110, 7.6.1).
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
                        "upgrade", "content-length", "host"})


class ProcessFailed(HarnessError):
    """A named process did not start or did not answer its health route: the project's to fix."""

    exit_code = ExitCode.CHECK_FAILED

    def __init__(self, message: str, *, log_tail: str, fixes: Sequence[str] = ()) -> None:
        super().__init__(message, fixes=fixes)
        self.log_tail = log_tail


@dataclass(frozen=True)
class Seen:
    """One request the app sent through the proxy; header names in lowercase."""

    method: str
    path: str
    headers: Mapping[str, str]
    forwarded: bool  # False: the process was down (the app's connection was closed unanswered)


# A hold that nobody releases (a check that failed meanwhile) ends by itself after this long.
HOLD_MAX_S = 30.0


class RecordingProxy:
    """An HTTP/1.1 proxy on 127.0.0.1 in front of one process; one thread per connection."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        # Open: requests are forwarded as they come. hold() closes it: each request then waits
        # inside the proxy until release() (at most HOLD_MAX_S), so that a check can have as many
        # calls in flight as it needs, counted by `held`, however fast the machine sends them.
        self._gate = threading.Event()
        self._gate.set()
        self._lock = threading.Lock()
        self._seen: list[Seen] = []
        self._received: list[str] = []  # the path of every request, as it arrives
        self._held = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass  # the app's calls are recorded, not printed

            def _forward(self) -> None:
                proxy._forward(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="process-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def seen(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    def received(self) -> list[str]:
        """The path of every request received so far, answered or not (the record keeps the answered)."""
        with self._lock:
            return list(self._received)

    def hold(self) -> None:
        """From now on, keep each request inside until release()."""
        self._gate.clear()

    def release(self) -> None:
        """Forward the requests held, and every later one as it comes."""
        self._gate.set()

    @property
    def held(self) -> int:
        """Requests inside the proxy now: received from the app, not yet answered."""
        with self._lock:
            return self._held

    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        if length > httpcap.MAX_BODY_BYTES:  # both sides are the learner's: neither is read past the cap
            handler.close_connection = True
            return
        body = handler.rfile.read(length) if length > 0 else None
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self._held += 1
            self._received.append(handler.path)
        reply: tuple[int, str, list[tuple[str, str]], bytes] | None = None
        try:
            self._gate.wait(HOLD_MAX_S)
            reply = self._upstream(handler.command, handler.path, headers, body)
        except OSError:
            pass  # no answer: recorded as not forwarded
        finally:
            # No longer held once the answer is known, before it goes out: whoever got the answer
            # then sees `held` without this request, and the record with it.
            with self._lock:
                self._held -= 1
                self._seen.append(Seen(handler.command, handler.path, headers, forwarded=reply is not None))
        if reply is None:
            handler.close_connection = True  # closed unanswered: what a dead upstream looks like
            return
        status, reason, reply_headers, data = reply
        try:
            handler.send_response_only(status, reason)
            for name, value in reply_headers:
                if name.lower() not in HOP_BY_HOP:
                    handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(data)
        except OSError:
            # The app hung up first (it died, or stopped without waiting for its call): its
            # loss, recorded above; not a traceback on the harness's output.
            handler.close_connection = True

    def _upstream(self, method: str, path: str, headers: Mapping[str, str],
                  body: bytes | None) -> tuple[int, str, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        try:
            sent = {k: v for k, v in headers.items() if k not in HOP_BY_HOP}
            sent["host"] = f"127.0.0.1:{self.upstream_port}"
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = httpcap.read_capped(response, f"{method} {path}")
            return response.status, response.reason, response.getheaders(), data
        except (http.client.HTTPException, httpcap.BodyTooLarge) as exc:
            raise OSError(str(exc)) from exc
        finally:
            conn.close()


Spawn = Callable[[str, str, Mapping[str, str]], ManagedProcess]


class NamedProcess:
    """One named process, its port and its proxy; started, killed and started again by checks."""

    def __init__(self, name: str, config: ProcessConfig, port: int, spawn: Spawn,
                 on_stop: Callable[[ManagedProcess], None]) -> None:
        self.name = name
        self.config = config
        self.port = port
        self.proxy = RecordingProxy(port)
        self.proxy.start()
        self._spawn = spawn
        self._on_stop = on_stop
        self._proc: ManagedProcess | None = None

    @property
    def url(self) -> str:
        """The process's own address (the app is given the proxy's)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def variable(self) -> str:
        return f"{self.name.upper()}_URL"

    def alive(self) -> bool:
        return self._proc is not None and self._proc.alive()

    def exit_code(self) -> int | None:
        """Its exit code once it has ended by itself; None while it runs (or was never started)."""
        return self._proc.poll() if self._proc is not None else None

    def tail(self, lines: int = 20) -> str:
        return self._proc.tail(lines) if self._proc is not None else ""

    def start(self) -> float:
        """Start it and wait until its health route answers 200: seconds from start to ready."""
        self._proc = self._spawn(self.name, self.config.start, {"PORT": str(self.port), **self.config.env})
        return self._wait_ready(self._proc)

    def kill(self) -> int | None:
        """SIGKILL, no grace: a crash, as far as the app can tell."""
        return self._stop(grace_s=0.0)

    def _stop(self, grace_s: float) -> int | None:
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        code = proc.stop(grace_s=grace_s)
        self._on_stop(proc)
        return code

    def close(self) -> None:
        self._stop(grace_s=5.0)
        self.proxy.stop()

    def _wait_ready(self, proc: ManagedProcess) -> float:
        budget, health = self.config.ready_timeout_s, self.config.health
        if not health:  # a worker serves no HTTP: nothing to wait for, its queue keeps the work meanwhile
            return time.monotonic() - proc.started_at
        try:
            return wait_healthy(proc, self.url + health, health, budget)
        except NotReady as not_ready:
            if not_ready.exit_code is not None:
                raise ProcessFailed(
                    f"the {self.name} process exited with code {not_ready.exit_code} before it was ready: an HTTP "
                    f"server is expected to keep running (its start command: {self.config.start})",
                    log_tail=proc.tail(LOG_LINES),
                    fixes=[f"Run [processes.{self.name}] start yourself with PORT set, and read the error"]) from None
            raise ProcessFailed(
                f"the {self.name} process did not answer GET {health} with 200 within "
                f"{format_duration(budget)} ([processes.{self.name}] ready_timeout); last seen: {not_ready.last}",
                log_tail=proc.tail(LOG_LINES),
                fixes=[f"Listen on the port in the PORT environment variable ({self.port} in this run)",
                       f"Answer GET {health} with 200 once it is ready ([processes.{self.name}] health)"]) from None


# The grading jail's own processes (harness/grading/jail.py): a SIGTERM to bwrap ends the whole jail at
# once, its pid 1 passing no signal on, so a signal meant for the app goes past them.
JAIL_PROCESSES = frozenset({"bwrap"})


def signal_tree(leader: int, sig: int, wrapper: Sequence[str] = ()) -> int:
    """Send `sig` to `leader` and every process below it: what the start command started, as an
    orchestrator signals a container's process. Left out: the jail's own processes, and `wrapper`
    (the harness's `/bin/sh -c <start>` around the command): a shell dies of SIGTERM at once, and in
    a jail the end of pid 1's child ends every process of it. How many got the signal."""
    sent = 0
    for pid in command_tree(leader, wrapper):
        try:
            os.kill(pid, sig)
            sent += 1
        except (OSError, ProcessLookupError):
            continue  # gone meanwhile
    return sent


def command_tree(leader: int, wrapper: Sequence[str] = ()) -> list[int]:
    """`leader` and every process below it, less the jail's own processes and `wrapper` (see
    signal_tree): the processes the start command runs, a process manager's workers included."""
    children: dict[int, list[int]] = {}
    for pid, fields in processes():
        children.setdefault(int(fields[1]), []).append(pid)
    tree, todo = [], [leader]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    found = []
    for pid in tree:
        try:
            if (PROC / str(pid) / "comm").read_text().strip() in JAIL_PROCESSES:
                continue
            if wrapper and (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")[:-1] == \
                    [part.encode() for part in wrapper]:
                continue
        except OSError:
            continue  # gone meanwhile
        found.append(pid)
    return found


def missing(wanted: Sequence[str], configured: Mapping[str, ProcessConfig]) -> list[str]:
    """The lab's processes the project's harness.toml does not say how to start."""
    return [name for name in wanted if name not in configured]
