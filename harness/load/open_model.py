"""The open-model generator (runs inside a gevent-patched child process only).

Request i is due at t0 + schedule(i). The scheduler greenlet sleeps until it is due and
starts it on a greenlet of its own (a runner, reused from request to request:
runners.py), whatever the earlier requests are doing; the request takes an idle
keep-alive connection (http.py; or opens one, up to ``max_connections``).
Three clocks per request:

* latency  = response end - intended send   (what a user of the system waits)
* service  = response end - actual send     (what a closed-model tool like Locust shows)
* lag      = actual start - intended send   (the generator's own tardiness)

A server stall therefore shows in the latency percentiles: the requests due during the
stall are still sent (or, if the connection cap is reached, wait for a connection) and
their clock runs from when they were due. If the generator falls behind, the lag says
so and the verdict becomes "inconclusive" instead of blaming the target.
"""

from __future__ import annotations

import bisect
import itertools
import random
import ssl
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import gevent  # type: ignore[import-untyped]  # gevent ships no type information
import gevent.event  # type: ignore[import-untyped]
import gevent.lock  # type: ignore[import-untyped]
import psutil

from harness.load.channel import Channel
from harness.load.http import Connection, prepare
from harness.load.kinds import error_kind, status_kind
from harness.load.recorder import Partial
from harness.load.result import GENERATOR_SIDE
from harness.load.runners import Runners
from harness.load.scenario import Route
from harness.load.schedule import Schedule
from harness.load.settle import Known
from harness.load.spec import RunSpec


class _Pool:
    """Keep-alive connections to one target, most recently used first (keeps the hot set small).

    Idle connections sit in a plain list: greenlets switch only when they block, so a
    pop or an append needs no lock (a gevent queue cost more than the list per request).
    The semaphore only caps how many are in use; it blocks once the cap is reached.
    """

    def __init__(self, spec: RunSpec, target: str) -> None:
        parts = urlsplit(target)
        self._host = parts.hostname or "127.0.0.1"
        tls = parts.scheme == "https"
        self._port = parts.port or (443 if tls else 80)
        self._tls = ssl.create_default_context() if tls else None
        self._timeout = spec.timeout
        self._idle: list[Connection] = []
        self._slots = gevent.lock.BoundedSemaphore(spec.max_connections)
        self.opened = 0
        self.waits = 0
        # Each route's request bytes for this target, built once (http.prepare says why).
        self.requests = {r.name: prepare(r.method, r.path, r.body, dict(r.headers), self._host,
                                         self._port, tls) for r in spec.routes}

    def acquire(self) -> Connection:
        if not self._slots.acquire(blocking=False):
            self.waits += 1
            self._slots.acquire()
        if self._idle:
            return self._idle.pop()
        self.opened += 1
        return Connection(self._host, self._port, self._tls, self._timeout)

    def release(self, connection: Connection, broken: bool) -> None:
        if broken:
            connection.close()
        else:
            self._idle.append(connection)
        self._slots.release()

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


class _Picker:
    """Weighted route choice, seeded so that a run can be repeated."""

    def __init__(self, routes: tuple[Route, ...], seed: int) -> None:
        self._routes = routes
        self._cumulative = list(itertools.accumulate(r.weight for r in routes))
        self._random = random.Random(seed)

    def next(self) -> Route:
        if len(self._routes) == 1:
            return self._routes[0]
        point = self._random.random() * self._cumulative[-1]
        return self._routes[bisect.bisect_right(self._cumulative, point)]


def run_open(spec: RunSpec, channel: Channel) -> Partial:
    schedule = Schedule(spec.rate, spec.duration, spec.ramp_up)
    steady_end = spec.duration
    partial = Partial(model="open", steady_start=spec.ramp_up, steady_end=steady_end,
                      target_rate=spec.rate / spec.worker_count)
    mine = (spec.worker_index, spec.worker_count)
    planned = schedule.count_for_worker(*mine)
    partial.scheduled = schedule.count_for_worker(*mine, first=schedule.first_steady_index)
    # One pool per instance, taken in turn per request: each instance gets every n-th request
    # whatever its connections are doing, as a per-request balancer would send them.
    pools = [_Pool(spec, target) for target in spec.targets]
    turn = itertools.cycle(pools).__next__
    picker = _Picker(spec.routes, spec.seed)
    inflight = [0]
    drained = gevent.event.Event()
    drained.set()
    perf = time.perf_counter
    process = psutil.Process()

    # Early stop (settle.py): what this worker knows of the watched thresholds, for the parent.
    watching = spec.watch_cutoffs_us is not None
    known = Known(spec.watch_cutoffs_us or ())

    channel.send("ready")
    t0 = channel.wait_for_start()

    def one(route: Route, intended: float, pool: _Pool) -> None:
        started = perf() - t0
        partial.on_dispatch(intended, started)
        steady = watching and partial.in_steady(intended)
        if steady:
            known.sent(intended)
        connection = pool.acquire()
        # Taken before the connect (a new connection opens inside exchange), as before.
        sent = perf() - t0
        error: str | None = None
        try:
            status, broken = connection.exchange(pool.requests[route.name])
            if not route.is_success(status):
                error = status_kind(status, route.expect_status)
        except Exception as exc:  # every failure is a measurement, never a crash
            error = error_kind(exc)
            broken = True
        ended = perf() - t0
        pool.release(connection, broken)
        partial.on_complete(route.name, intended, sent, ended, error)
        if steady:
            # The same integer microseconds the latency histogram records.
            known.completed(intended, int((ended - intended) * 1_000_000))
        inflight[0] -= 1
        if inflight[0] == 0:
            drained.set()

    def watched() -> dict[str, object]:
        if not watching:
            return {}
        own = sum(n for kind, n in partial.errors_by_kind.items() if kind.endswith(GENERATOR_SIDE))
        return {"known_over": known.counts(perf() - t0), "steady_errors": partial.errors, "own_errors": own,
                "lag_p99_ms": partial.lag.percentile_ms(99) if partial.lag.count else None}

    cpu_start = process.cpu_times()
    ticker = gevent.spawn(tick, channel, lambda: partial, process, t0, spec.duration, watched=watched)
    runners = Runners(one)
    spawn = runners.start
    sleep = gevent.sleep
    for position, (_, offset) in enumerate(schedule.for_worker(*mine)):
        ahead = t0 + offset - perf()
        if ahead > 0:
            sleep(ahead)
        if channel.stop_asked:
            break
        if perf() - t0 >= steady_end:
            # So far behind that the run is over: the rest was never sent, and says so.
            partial.dropped = planned - position
            break
        inflight[0] += 1
        drained.clear()
        spawn(picker.next(), offset, turn())
    # In-flight requests end by themselves within the request timeout (unless the parent stops the run).
    give_up = perf() + spec.timeout + 2.0
    while inflight[0] and not channel.stop_asked and perf() < give_up:
        drained.wait(timeout=min(0.25, max(give_up - perf(), 0.0)))
    if channel.stop_asked:
        _stopped(partial, perf() - t0, inflight[0])
        ticker.kill()
        now = process.cpu_times()
        cpu = now.user + now.system - (cpu_start.user + cpu_start.system)
        wall = min(perf() - t0, spec.duration)
    else:
        if inflight[0]:
            partial.notes.append(f"{inflight[0]} requests were still in flight {spec.timeout + 2:g} s "
                                 "after the run ended and are not in the figures")
        ticker.join()
        cpu, wall = ticker.value if ticker.successful() else (0.0, spec.duration)
    partial.cpu_seconds, partial.wall_seconds = cpu, wall
    partial.connections_opened = sum(pool.opened for pool in pools)
    partial.pool_waits = waits = sum(pool.waits for pool in pools)
    partial.processes.append({"role": f"open worker {spec.worker_index}", "pid": process.pid,
                              "cpu_percent": 100.0 * cpu / wall if wall else 0.0})
    if waits:
        partial.notes.append(
            f"{waits} requests waited for a free connection (cap {spec.max_connections} "
            f"per worker{' and instance' if len(pools) > 1 else ''}): their latency includes that wait, "
            "their service time does not")
    for pool in pools:
        pool.close()
    return partial


def _stopped(partial: Partial, at: float, in_flight: int) -> None:
    """The parent settled the verdict: the figures are those measured until now (settle.py)."""
    partial.stopped_at = at
    partial.steady_end = max(partial.steady_start, min(partial.steady_end, at))
    partial.abandoned = in_flight
    if in_flight:
        partial.notes.append(f"the run stopped early: {in_flight} requests still in flight were abandoned "
                             "and are not in the figures")


def tick(channel: Channel, get_partial: Callable[[], Partial], process: psutil.Process,
         t0: float, duration: float, report_delay: float = 0.0,
         watched: Callable[[], dict[str, object]] | None = None) -> tuple[float, float]:
    """One progress line per second; returns (cpu seconds, wall seconds) of the load window.

    ``report_delay`` postpones each line (not the CPU sample) for a Locust master, whose
    figures for a second arrive with the workers' next report. ``watched`` adds the early
    stop's counts (settle.py) to each line.
    """
    perf = time.perf_counter
    start = process.cpu_times()
    previous = start.user + start.system
    second = 0
    while second < duration:
        end = min(second + 1.0, duration)
        ahead = t0 + end - perf()
        if ahead > 0:
            gevent.sleep(ahead)
        times = process.cpu_times()
        now = times.user + times.system
        cpu_percent = 100.0 * (now - previous) / (end - second)
        previous = now
        if report_delay > 0:
            gevent.spawn_later(report_delay, channel.progress, get_partial(), second, cpu_percent)
        else:
            channel.progress(get_partial(), second, cpu_percent, **(watched() if watched else {}))
        second += 1
    if report_delay > 0:
        gevent.sleep(report_delay)
    return previous - (start.user + start.system), duration
