"""Synthetic measurements for unit tests (no process, no clock)."""

from __future__ import annotations

from harness.load.recorder import Partial
from harness.load.spec import RunSpec


def spec(rate: float = 100.0, duration: float = 4.0, ramp_up: float = 1.0,
         model: str = "open") -> RunSpec:
    return RunSpec(target="http://127.0.0.1:8080", rate=rate, duration=duration,
                   ramp_up=ramp_up, model="open" if model == "open" else "closed")


def partial(
    run: RunSpec,
    *,
    latency: float = 0.002,
    lag: float = 0.0005,
    every_nth_error: int = 0,
    stall: tuple[float, float] | None = None,
    cpu_percent: float = 20.0,
    send_fraction: float = 1.0,
) -> Partial:
    """A run at ``run.rate`` where each request takes ``latency`` s after a ``lag`` s delay.

    ``stall=(start, length)`` delays every request due inside it to the stall's end.
    ``send_fraction`` < 1 leaves the last requests of each second unsent.
    """
    part = Partial(model=run.model, steady_start=run.ramp_up, steady_end=run.duration,
                   target_rate=run.rate)
    n = int(run.rate * run.duration)
    per_second = int(run.rate)
    for i in range(n):
        if i % per_second >= per_second * send_fraction:
            continue
        intended = i / run.rate
        started = intended + lag
        part.on_dispatch(intended, started)
        ended = started + latency
        if stall is not None and stall[0] <= started < stall[0] + stall[1]:
            ended = stall[0] + stall[1] + latency
        route = "GET /books" if i % 3 else "POST /books"
        error = "HTTP 500" if every_nth_error and i % every_nth_error == 0 else None
        part.on_complete(route, intended, started, ended, error)
    part.scheduled = int(run.rate * (run.duration - run.ramp_up))
    part.cpu_seconds = cpu_percent / 100 * run.duration
    part.wall_seconds = run.duration
    part.processes = [{"role": "open worker 0", "pid": 1, "cpu_percent": cpu_percent}]
    return part
