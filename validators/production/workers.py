"""Several worker processes, and more than one of them really serving requests."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import httpx

from harness import httpcap
from harness.outcomes import Failure, Passed
from harness.params import Param
from harness.proc.procfs import stat_fields
from harness.registry import CheckContext, check

# One round: CLIENTS threads at once, each sending REQUESTS_EACH requests, every one on a fresh
# connection (Connection: close), so that each is a new accept on the listening socket that the
# workers share, and the kernel hands them to whichever worker waits. Up to ROUNDS rounds, until
# enough workers have served: a round where one worker happened to take nearly every connection
# is followed by another instead of failing a correct project on the kernel's draw.
CLIENTS = 8
REQUESTS_EACH = 15
ROUNDS = 4
# A process "served" when it gained at least this much CPU (ms) and this share of all the CPU the
# app's processes gained: an idle worker, a master process or a supervisor gains a tick at most
# (their timers), a worker that answered a share of the requests gains more. Low enough for a
# fast app: a Starlette worker on psycopg's async pool spends about 0.35 ms a request, 40 ms for
# its half of a burst.
SERVED_MIN_MS = 20.0
SERVED_MIN_SHARE = 0.10
TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int) -> float | None:
    """CPU time (user + system, every thread) a process has used, in ms; None when it is gone."""
    fields = stat_fields(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) * TICK_MS


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            words = handle.read(4096).split(b"\0")
    except OSError:
        return "?"
    return " ".join(w.decode(errors="replace") for w in words if w)[:120]


@dataclass(frozen=True)
class Served:
    """The CPU each of the app's processes gained while the harness sent its requests."""

    gained: Mapping[int, float]

    def serving(self) -> list[int]:
        total = sum(self.gained.values())
        return sorted(pid for pid, ms in self.gained.items()
                      if ms >= SERVED_MIN_MS and ms >= SERVED_MIN_SHARE * total)

    def describe(self) -> str:
        return "\n".join(f"pid {pid}: {ms:.0f} ms of CPU  {command_line(pid)}"
                         for pid, ms in sorted(self.gained.items(), key=lambda item: -item[1]))


def measure(pids: Sequence[int], send: Callable[[], None], enough: int,
            rounds: int = ROUNDS) -> tuple[Served, int]:
    """Run `send` up to `rounds` times, until `enough` processes served; (what each gained, rounds).
    Fewer processes than `enough` can never get there: one round shows what they did."""
    before = {pid: ms for pid in pids if (ms := cpu_ms(pid)) is not None}
    served = Served({})
    for done in range(1, rounds + 1):
        send()
        served = Served({pid: now - start for pid, start in before.items() if (now := cpu_ms(pid)) is not None})
        if len(served.serving()) >= enough or len(before) < enough:
            return served, done
    return served, rounds


@check("prod.workers.parallel", points=2, timeout_s=60, params=[
    Param("route", str, "/v1/books?limit=20", "a route whose answer takes the app some work (a database read)"),
    Param("workers", int, 2, "how many worker processes must serve requests")])
def several_workers_serve(ctx: CheckContext) -> Passed:
    """Several worker processes of the app serve requests, not one.

    The harness finds the processes the start command runs (a process manager and its workers),
    sends bursts of concurrent requests to `route`, each on a connection of its own, and reads how
    much CPU each process gained: at least `workers` of them must each have done a share of the
    work. One process, however many threads or coroutines it runs, uses one core of Python.
    """
    route, enough = str(ctx.param("route")), int(ctx.param("workers"))
    hint = ctx.hint(
        f"Start a process manager that runs {enough} or more worker processes on the same port, each with the "
        "whole app: the operating system hands each new connection to a worker that waits.",
        python=f"gunicorn shelf.main:app -k uvicorn.workers.UvicornWorker -w {enough} (or workers = {enough} in "
               f"gunicorn.conf.py), or uvicorn shelf.main:app --workers {enough}; in harness.toml's start, on $PORT "
               "(gunicorn's --bind 127.0.0.1:$PORT, uvicorn's --host 127.0.0.1 --port $PORT).",
        node=f"node's cluster module (cluster.fork() {enough} times in the primary), or pm2 -i {enough}.")
    pids = ctx.app.command_pids()
    url = ctx.http.base_url + route
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def client() -> None:
        with httpcap.client(headers={"Connection": "close"}, timeout=10.0) as http:
            for _ in range(REQUESTS_EACH):
                try:
                    code = http.get(url).status_code
                except httpx.HTTPError:
                    code = 0
                with lock:
                    statuses[code] = statuses.get(code, 0) + 1

    def burst() -> None:
        threads = [threading.Thread(target=client, name=f"workers-{n}", daemon=True) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    served, rounds = measure(pids, burst, enough)
    sent = sum(statuses.values())
    if statuses.get(200, 0) < sent * 0.9:
        raise Failure(f"GET {route} did not answer 200 to the harness's concurrent requests",
                      expected="200 to each",
                      actual=", ".join(f"{k or 'no answer'} x {v}" for k, v in statuses.items()),
                      hint=f"GET {route} must answer 200 under a few concurrent clients; the app's log says why not.",
                      evidence=ctx.app.log_tail(15), reproduce=f"curl -i http://127.0.0.1:$PORT{route}")
    serving = served.serving()
    processes = f"{len(pids)} process{'es' if len(pids) != 1 else ''}"
    if len(serving) < enough:
        raise Failure(
            f"{len(serving)} worker process{'es' if len(serving) != 1 else ''} of the app served {sent} requests "
            f"to GET {route} from {CLIENTS} concurrent clients ({rounds} bursts); the start command runs {processes}",
            expected=f"at least {enough} processes each doing a share of the work (at least {SERVED_MIN_MS:g} ms "
                     f"of CPU and {SERVED_MIN_SHARE:.0%} of what the app used)",
            actual=served.describe() or "no process found", hint=hint,
            reproduce="ps -o pid,ppid,time,args --forest -u $USER while a load runs: "
                      f"harness bench http://127.0.0.1:$PORT{route} --rate 200 --duration 10s")
    return Passed(f"{len(serving)} of the app's {processes} served {sent} requests from {CLIENTS} concurrent "
                  f"clients ({rounds} burst{'s' if rounds != 1 else ''}):\n{served.describe()}")
