"""Per-process measurements of one load child, and the merge of several children.

Pure Python (no gevent, no Locust): the children fill a ``Recorder``; the parent reads
their ``Partial`` JSON and merges them. All times are seconds relative to the shared
start t0; a request belongs to the *steady* window (the one the summary describes)
when it was intended (open model) or sent (closed model) after the ramp-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.load.histogram import Histogram


@dataclass
class RouteStats:
    count: int = 0
    errors: int = 0
    latency: Histogram = field(default_factory=Histogram)
    service: Histogram = field(default_factory=Histogram)

    def merge(self, other: RouteStats) -> None:
        self.count += other.count
        self.errors += other.errors
        self.latency.merge(other.latency)
        self.service.merge(other.service)

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "errors": self.errors,
                "latency": self.latency.to_json(), "service": self.service.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RouteStats:
        return cls(int(data["count"]), int(data["errors"]),
                   Histogram.from_json(data["latency"]), Histogram.from_json(data["service"]))


@dataclass
class Second:
    """What completed during one second of the run (by completion time)."""

    sent: int = 0
    completed: int = 0
    errors: int = 0
    latency: Histogram = field(default_factory=Histogram)
    cpu_percent: float | None = None

    def merge(self, other: Second) -> None:
        self.sent += other.sent
        self.completed += other.completed
        self.errors += other.errors
        self.latency.merge(other.latency)
        if other.cpu_percent is not None:
            self.cpu_percent = (self.cpu_percent or 0.0) + other.cpu_percent

    def to_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "completed": self.completed, "errors": self.errors,
                "latency": self.latency.to_json(), "cpu_percent": self.cpu_percent}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Second:
        cpu = data.get("cpu_percent")
        return cls(int(data["sent"]), int(data["completed"]), int(data["errors"]),
                   Histogram.from_json(data["latency"]), None if cpu is None else float(cpu))


@dataclass
class Partial:
    """The measurements of one child process (or, after ``merge``, of all of them)."""

    model: str
    steady_start: float
    steady_end: float
    target_rate: float  # req/s this process was asked for
    scheduled: int = 0  # steady-window requests the schedule asked of this process
    dispatched: int = 0  # requests started (all phases)
    dispatched_steady: int = 0  # started inside the steady window (wall clock)
    completed_steady: int = 0  # finished inside the steady window (wall clock)
    dropped: int = 0  # due but never started before the run ended
    requests: int = 0  # steady-window requests measured (the summary's population)
    errors: int = 0
    latency: Histogram = field(default_factory=Histogram)  # from the intended send
    service: Histogram = field(default_factory=Histogram)  # from the actual send
    lag: Histogram = field(default_factory=Histogram)  # actual - intended send
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    routes: dict[str, RouteStats] = field(default_factory=dict)
    timeline: dict[int, Second] = field(default_factory=dict)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    processes: list[dict[str, Any]] = field(default_factory=list)
    connections_opened: int = 0
    pool_waits: int = 0  # requests that waited for a free connection (cap reached)
    notes: list[str] = field(default_factory=list)
    # Early stop (settle.py): when the run ended its schedule (s after t0), why, and how many
    # requests it abandoned in flight (not in the figures).
    stopped_at: float | None = None
    stop_reason: str | None = None
    abandoned: int = 0

    # -- recording (children) ----------------------------------------------------------
    def in_steady(self, t: float) -> bool:
        return self.steady_start <= t < self.steady_end

    def _second(self, t: float) -> Second:
        index = max(int(t), 0)
        second = self.timeline.get(index)
        if second is None:
            second = self.timeline[index] = Second()
        return second

    def on_dispatch(self, intended: float, started: float) -> None:
        self.dispatched += 1
        self._second(started).sent += 1
        if self.in_steady(started):
            self.dispatched_steady += 1
        if self.model == "open" and self.in_steady(intended):
            self.lag.record_seconds(started - intended)

    def on_complete(self, route: str, intended: float, sent: float, ended: float,
                    error: str | None) -> None:
        second = self._second(ended)
        second.completed += 1
        second.latency.record_seconds(ended - intended)
        if error is not None:
            second.errors += 1
        if self.in_steady(ended):
            self.completed_steady += 1
        if not self.in_steady(intended):
            return
        self.requests += 1
        self.latency.record_seconds(ended - intended)
        self.service.record_seconds(ended - sent)
        stats = self.routes.get(route)
        if stats is None:
            stats = self.routes[route] = RouteStats()
        stats.count += 1
        stats.latency.record_seconds(ended - intended)
        stats.service.record_seconds(ended - sent)
        if error is not None:
            self.errors += 1
            stats.errors += 1
            self.errors_by_kind[error] = self.errors_by_kind.get(error, 0) + 1

    # -- merging (parent) --------------------------------------------------------------
    def merge(self, other: Partial) -> None:
        for name in ("scheduled", "dispatched", "dispatched_steady", "completed_steady",
                     "dropped", "requests", "errors", "connections_opened", "pool_waits"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.target_rate += other.target_rate
        self.latency.merge(other.latency)
        self.service.merge(other.service)
        self.lag.merge(other.lag)
        for kind, n in other.errors_by_kind.items():
            self.errors_by_kind[kind] = self.errors_by_kind.get(kind, 0) + n
        for name, stats in other.routes.items():
            self.routes.setdefault(name, RouteStats()).merge(stats)
        for index, second in other.timeline.items():
            self.timeline.setdefault(index, Second()).merge(second)
        # A run stopped early measured until its last worker stopped (each sets its steady_end).
        self.steady_end = max(self.steady_end, other.steady_end)
        if other.stopped_at is not None:
            self.stopped_at = max(self.stopped_at or 0.0, other.stopped_at)
        self.stop_reason = self.stop_reason or other.stop_reason
        self.abandoned += other.abandoned
        self.cpu_seconds += other.cpu_seconds
        self.wall_seconds = max(self.wall_seconds, other.wall_seconds)
        self.processes.extend(other.processes)
        self.notes.extend(n for n in other.notes if n not in self.notes)

    # -- JSON --------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "steady_start": self.steady_start,
            "steady_end": self.steady_end,
            "target_rate": self.target_rate,
            "scheduled": self.scheduled,
            "dispatched": self.dispatched,
            "dispatched_steady": self.dispatched_steady,
            "completed_steady": self.completed_steady,
            "dropped": self.dropped,
            "requests": self.requests,
            "errors": self.errors,
            "latency": self.latency.to_json(),
            "service": self.service.to_json(),
            "lag": self.lag.to_json(),
            "errors_by_kind": dict(self.errors_by_kind),
            "routes": {k: v.to_json() for k, v in self.routes.items()},
            "timeline": {str(k): v.to_json() for k, v in self.timeline.items()},
            "cpu_seconds": self.cpu_seconds,
            "wall_seconds": self.wall_seconds,
            "processes": list(self.processes),
            "connections_opened": self.connections_opened,
            "pool_waits": self.pool_waits,
            "notes": list(self.notes),
            "stopped_at": self.stopped_at,
            "stop_reason": self.stop_reason,
            "abandoned": self.abandoned,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Partial:
        partial = cls(
            model=str(data["model"]),
            steady_start=float(data["steady_start"]),
            steady_end=float(data["steady_end"]),
            target_rate=float(data["target_rate"]),
            latency=Histogram.from_json(data["latency"]),
            service=Histogram.from_json(data["service"]),
            lag=Histogram.from_json(data["lag"]),
            errors_by_kind={str(k): int(v) for k, v in data["errors_by_kind"].items()},
            routes={str(k): RouteStats.from_json(v) for k, v in data["routes"].items()},
            timeline={int(k): Second.from_json(v) for k, v in data["timeline"].items()},
            cpu_seconds=float(data["cpu_seconds"]),
            wall_seconds=float(data["wall_seconds"]),
            processes=list(data.get("processes", [])),
            notes=[str(n) for n in data.get("notes", [])],
            stopped_at=None if data.get("stopped_at") is None else float(data["stopped_at"]),
            stop_reason=None if data.get("stop_reason") is None else str(data["stop_reason"]),
            abandoned=int(data.get("abandoned", 0)),
        )
        for name in ("scheduled", "dispatched", "dispatched_steady", "completed_steady",
                     "dropped", "requests", "errors", "connections_opened", "pool_waits"):
            setattr(partial, name, int(data.get(name, 0)))
        return partial
