"""Locust's own closed model (runs inside a gevent-patched child process only).

FastHttpUser users each wait for their response, then ``poisson(rate)`` (or
``constant_throughput``) before the next request. Latency is measured by Locust from
the actual send, so a server stall delays the users instead of showing in the
percentiles: that is the point of running it beside the open model.

Every request event (local runner, or each Locust worker) goes into the same
``Partial`` the open model fills, with intended == sent. In distributed mode the
workers ship their ``Partial`` deltas to the master through Locust's own
``report_to_master`` / ``worker_report`` events, and the master merges them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]  # gevent ships no type information
import locust.runners
import psutil
from locust import FastHttpUser, constant_throughput, poisson
from locust.env import Environment
from locust.exception import CatchResponseError
from locust.runners import MasterRunner, WorkerRunner
from locust.user.users import User
from locust.util.load_locustfile import load_locustfile

from harness.load.channel import Channel
from harness.load.kinds import error_kind, status_kind
from harness.load.open_model import tick
from harness.load.recorder import Partial
from harness.load.scenario import Route, ScenarioError
from harness.load.spec import RunSpec

# The `type: ignore[no-untyped-call]` below: Locust's EventHook.add_listener has no
# annotations (locust 2.47), everything else used here is typed.
_T0_MESSAGE = "harness_t0"
_REPORT_KEY = "harness_partial"
_WORKER_WAIT_SECONDS = 60.0


def _route_task(route: Route) -> Any:
    headers = dict(route.headers)
    body = route.body.decode("utf-8") if route.body is not None else None

    def run(user: FastHttpUser) -> None:
        # No redirects followed: the open model does not follow them either, and the
        # two models must send the same requests to be comparable.
        with user.client.request(route.method, route.path, name=route.name, data=body,
                                 headers=headers, catch_response=True,
                                 allow_redirects=False) as response:
            status = response.status_code
            if not status:
                error = getattr(response, "error", None)
                response.failure(error_kind(error) if error is not None else "no response")
            elif route.is_success(status):
                response.success()
            else:
                response.failure(status_kind(status, route.expect_status))

    run.__name__ = route.name
    return run


def user_classes(spec: RunSpec) -> list[type[User]]:
    if spec.locustfile is not None:
        classes, _shapes = load_locustfile(str(Path(spec.locustfile)))
        found = list(classes.values())
        if not found:
            raise ScenarioError(f"{spec.locustfile}: no User class found (a class deriving "
                                "from locust.HttpUser or locust.FastHttpUser)")
        for cls in found:
            if getattr(cls, "host", None) is None and spec.target:
                cls.host = spec.target
        return found
    wait = poisson if spec.wait == "poisson" else constant_throughput
    attributes: dict[str, Any] = {
        "host": spec.target or None,  # None: take the host the master sends
        "wait_time": wait(spec.per_user_rate),
        "network_timeout": spec.timeout,
        "connection_timeout": spec.timeout,
        "tasks": {_route_task(r): r.weight for r in spec.routes},
    }
    return [type("ScenarioUser", (FastHttpUser,), attributes)]


class _Listener:
    """Turns Locust request events into ``Partial`` records (times relative to t0)."""

    def __init__(self, spec: RunSpec) -> None:
        self.spec = spec
        self.t0_wall = 0.0
        # A remote worker learns the window from the master (its own spec has none).
        self.steady = (spec.ramp_up, spec.duration)
        self.partial = self.fresh()

    def fresh(self) -> Partial:
        return Partial(model="closed", steady_start=self.steady[0], steady_end=self.steady[1],
                       target_rate=0.0)

    def on_request(self, name: str, response_time: float, start_time: float,
                   exception: BaseException | None = None, response: Any = None,
                   **_: Any) -> None:
        sent = start_time - self.t0_wall
        error: str | None = None
        if isinstance(exception, CatchResponseError):
            error = str(exception)
        elif exception is not None:
            status = getattr(response, "status_code", 0) or 0
            error = f"HTTP {status}" if status >= 400 else error_kind(exception)
        self.partial.on_dispatch(sent, sent)
        self.partial.on_complete(name, sent, sent, sent + response_time / 1000.0, error)


def _environment(spec: RunSpec) -> tuple[Environment, _Listener]:
    try:
        classes = user_classes(spec)
    except ScenarioError:
        raise
    except Exception as exc:
        # The user's Locust file failed to import: their configuration, not a crash.
        where = spec.locustfile or "the scenario"
        raise ScenarioError(f"{where}: {type(exc).__name__}: {exc}") from exc
    env = Environment(user_classes=classes, host=spec.target or None)
    listener = _Listener(spec)
    env.events.request.add_listener(listener.on_request)  # type: ignore[no-untyped-call]
    return env, listener


def run_closed(spec: RunSpec, channel: Channel, master_bind: tuple[str, int] | None,
               expect_workers: int) -> Partial:
    env, listener = _environment(spec)
    process = psutil.Process()
    processes: dict[str, dict[str, Any]] = {}
    if master_bind is None:
        runner: locust.runners.Runner = env.create_local_runner()
    else:
        runner = env.create_master_runner(master_bind[0], master_bind[1])
        _wait_for_workers(runner, expect_workers)

        def on_worker_report(client_id: str, data: dict[str, Any]) -> None:
            if _REPORT_KEY in data:
                report = data[_REPORT_KEY]
                listener.partial.merge(Partial.from_json(report["partial"]))
                processes[client_id] = report["process"]

        env.events.worker_report.add_listener(on_worker_report)  # type: ignore[no-untyped-call]
    users = spec.closed_users()
    spawn_rate = users / spec.ramp_up if spec.ramp_up > 0 else users
    channel.send("ready", users=users)
    t0 = channel.wait_for_start()
    listener.t0_wall = time.time() + (t0 - time.perf_counter())
    if isinstance(runner, MasterRunner):
        runner.send_message(_T0_MESSAGE, {"t0_wall": listener.t0_wall,
                                          "steady": [spec.ramp_up, spec.duration]})
    gevent.sleep(max(0.0, t0 - time.perf_counter()))
    # The master's view of a second lags by one worker report: wait for it.
    report_delay = 0.0 if master_bind is None else locust.runners.WORKER_REPORT_INTERVAL
    ticker = gevent.spawn(tick, channel, lambda: listener.partial, process, t0, spec.duration,
                          report_delay)
    runner.start(users, spawn_rate=spawn_rate)
    gevent.sleep(max(0.0, t0 + spec.duration - time.perf_counter()))
    runner.quit()  # a master waits here for the workers' final reports
    ticker.join()
    cpu, wall = ticker.value if ticker.successful() else (0.0, spec.duration)
    partial = listener.partial
    partial.target_rate = spec.rate
    partial.scheduled = round(spec.rate * (spec.duration - spec.ramp_up))
    partial.cpu_seconds, partial.wall_seconds = cpu, wall
    role = "locust master" if master_bind is not None else "locust"
    partial.processes.append({"role": role, "pid": process.pid,
                              "cpu_percent": 100.0 * cpu / wall if wall else 0.0})
    for info in processes.values():
        partial.processes.append(info)
        partial.cpu_seconds += float(info["cpu_seconds"])
    partial.notes.append(f"closed model: {users} Locust users, {spec.wait} wait at "
                         f"{spec.per_user_rate:g} req/s each; latency is measured from the "
                         "actual send, so server stalls can hide (coordinated omission)")
    if getattr(runner, "cpu_warning_emitted", False):
        partial.notes.append("Locust reported its own CPU above 90% during the run")
    return partial


def _wait_for_workers(runner: locust.runners.Runner, expected: int) -> None:
    deadline = time.monotonic() + _WORKER_WAIT_SECONDS
    assert isinstance(runner, MasterRunner)
    while runner.worker_count < expected:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {runner.worker_count} of {expected} Locust workers "
                               f"connected within {_WORKER_WAIT_SECONDS:.0f} s")
        gevent.sleep(0.1)


def run_locust_worker(spec: RunSpec, master_host: str, master_port: int) -> None:
    # One report per second instead of Locust's 3 s, so the master's timeline and
    # live progress are per second too. A module constant read at each loop turn.
    locust.runners.WORKER_REPORT_INTERVAL = 1.0
    env, listener = _environment(spec)
    runner = env.create_worker_runner(master_host, master_port)
    assert isinstance(runner, WorkerRunner)
    process = psutil.Process()
    started: dict[str, float] = {}

    def on_t0(environment: Environment, msg: Any, **_: Any) -> None:
        listener.t0_wall = float(msg.data["t0_wall"])
        start, end = msg.data["steady"]
        listener.steady = (float(start), float(end))
        listener.partial = listener.fresh()
        times = process.cpu_times()
        started.update(cpu=times.user + times.system, wall=time.perf_counter())

    def on_report(client_id: str, data: dict[str, Any]) -> None:
        times = process.cpu_times()
        cpu = times.user + times.system - started.get("cpu", times.user + times.system)
        wall = time.perf_counter() - started.get("wall", time.perf_counter())
        delta, listener.partial = listener.partial, listener.fresh()
        data[_REPORT_KEY] = {
            "partial": delta.to_json(),
            "process": {"role": f"locust worker {client_id[-8:]}", "pid": process.pid,
                        "cpu_seconds": cpu, "cpu_percent": 100.0 * cpu / wall if wall else 0.0},
        }

    runner.register_message(_T0_MESSAGE, on_t0)
    env.events.report_to_master.add_listener(on_report)  # type: ignore[no-untyped-call]
    runner.greenlet.join()
