"""The open-model arrival schedule: when request *i* is meant to leave.

Constant arrival rate R after a linear ramp from 0 to R over T seconds. The number of
requests due by time t is the integral of the rate:

    N(t) = R t^2 / (2T)            for t < T
    N(t) = R T / 2 + R (t - T)     for t >= T

so request i (0-based) is intended at N^-1(i). With W worker processes, worker k
takes the global indices k, k+W, k+2W... : together they send exactly the single-process
schedule, each one with its own offset, and no worker bursts in step with another.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    rate: float  # requests per second at full rate (all workers together)
    duration: float  # seconds, ramp-up included
    ramp_up: float = 0.0

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError("rate must be > 0")
        if self.duration <= 0:
            raise ValueError("duration must be > 0")
        if not 0 <= self.ramp_up <= self.duration:
            raise ValueError("ramp-up must be within [0, duration]")

    def intended(self, index: int) -> float:
        """Seconds after t0 at which global request ``index`` is due."""
        ramp_count = self.rate * self.ramp_up / 2
        if index < ramp_count:
            return math.sqrt(2 * self.ramp_up * index / self.rate)
        return self.ramp_up + (index - ramp_count) / self.rate

    def due_by(self, t: float) -> float:
        """N(t): requests due in [0, t] (a real number)."""
        if t <= 0:
            return 0.0
        if t < self.ramp_up:
            return self.rate * t * t / (2 * self.ramp_up)
        return self.rate * self.ramp_up / 2 + self.rate * (t - self.ramp_up)

    def rate_at(self, t: float) -> float:
        if self.ramp_up > 0 and t < self.ramp_up:
            return self.rate * max(t, 0.0) / self.ramp_up
        return self.rate

    @property
    def total(self) -> int:
        """Requests whose intended time falls inside [0, duration)."""
        return math.ceil(self.due_by(self.duration) - 1e-9)

    def for_worker(self, worker: int, workers: int) -> Iterator[tuple[int, float]]:
        """(global index, intended offset) of the requests worker ``worker`` sends."""
        if not 0 <= worker < workers:
            raise ValueError("worker index out of range")
        for index in range(worker, self.total, workers):
            yield index, self.intended(index)

    @property
    def first_steady_index(self) -> int:
        """The first global index due at or after the end of the ramp-up."""
        return math.ceil(self.rate * self.ramp_up / 2 - 1e-9)

    def count_for_worker(self, worker: int, workers: int, first: int = 0) -> int:
        """How many of ``for_worker(worker, workers)`` have a global index >= ``first``.

        Counted, not listed: an hour at 1000 req/s is 3.6 million requests.
        """
        start = first + (worker - first) % workers
        if start >= self.total:
            return 0
        return (self.total - 1 - start) // workers + 1
