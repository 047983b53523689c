"""What the parent asks of a load child process, as JSON (the only thing they share)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from harness.load.scenario import Route

Model = Literal["open", "closed"]
Wait = Literal["poisson", "constant"]


@dataclass(frozen=True)
class RunSpec:
    target: str  # base URL: scheme://host:port (route paths are appended)
    rate: float  # req/s for the whole run (all workers together)
    duration: float  # seconds, ramp-up included
    ramp_up: float = 0.0
    model: Model = "open"
    routes: tuple[Route, ...] = ()
    locustfile: str | None = None
    timeout: float = 10.0  # per request: connect and each network read
    max_connections: int = 2000  # open model: the keep-alive pool may grow to this
    worker_index: int = 0
    worker_count: int = 1
    users: int | None = None  # closed model: None derives it from rate / per_user_rate
    per_user_rate: float = 10.0  # closed model: req/s of one Locust user
    wait: Wait = "poisson"
    seed: int = 0
    cpu_affinity: tuple[int, ...] = field(default=())  # pin the child (benchmarks)
    # Open model: more base URLs of the same stateless app (its other instances). The
    # generator spreads its requests over target and these itself, round-robin per request
    # with a pool each, so that no balancer's cost sits on the measured path.
    more_targets: tuple[str, ...] = field(default=())
    # Open model, early stop (settle.py): the latency cutoffs whose counts each progress line
    # carries; None when the parent does not watch for a settled verdict.
    watch_cutoffs_us: tuple[int, ...] | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target, *self.more_targets)

    def closed_users(self) -> int:
        if self.users is not None:
            return self.users
        return max(1, round(self.rate / self.per_user_rate))

    def for_worker(self, index: int, count: int) -> RunSpec:
        return replace(self, worker_index=index, worker_count=count, seed=self.seed + index)

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "rate": self.rate,
            "duration": self.duration,
            "ramp_up": self.ramp_up,
            "model": self.model,
            "routes": [r.to_json() for r in self.routes],
            "locustfile": self.locustfile,
            "timeout": self.timeout,
            "max_connections": self.max_connections,
            "worker_index": self.worker_index,
            "worker_count": self.worker_count,
            "users": self.users,
            "per_user_rate": self.per_user_rate,
            "wait": self.wait,
            "seed": self.seed,
            "cpu_affinity": list(self.cpu_affinity),
            "more_targets": list(self.more_targets),
            "watch_cutoffs_us": None if self.watch_cutoffs_us is None else list(self.watch_cutoffs_us),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunSpec:
        return cls(
            target=str(data["target"]),
            rate=float(data["rate"]),
            duration=float(data["duration"]),
            ramp_up=float(data.get("ramp_up", 0.0)),
            model=data.get("model", "open"),
            routes=tuple(Route.from_json(r) for r in data.get("routes", [])),
            locustfile=data.get("locustfile"),
            timeout=float(data.get("timeout", 10.0)),
            max_connections=int(data.get("max_connections", 2000)),
            worker_index=int(data.get("worker_index", 0)),
            worker_count=int(data.get("worker_count", 1)),
            users=data.get("users"),
            per_user_rate=float(data.get("per_user_rate", 10.0)),
            wait=data.get("wait", "poisson"),
            seed=int(data.get("seed", 0)),
            cpu_affinity=tuple(int(c) for c in data.get("cpu_affinity", [])),
            more_targets=tuple(str(t) for t in data.get("more_targets", [])),
            watch_cutoffs_us=None if data.get("watch_cutoffs_us") is None
            else tuple(int(c) for c in data["watch_cutoffs_us"]),
        )

    def write(self, path: Path) -> None:
        # The spec can hold an Authorization header expanded from the environment.
        path.touch(mode=0o600)
        path.write_text(json.dumps(self.to_json()), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> RunSpec:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a run spec must be a JSON object")
        return cls.from_json(data)
