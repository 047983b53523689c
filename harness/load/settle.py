"""When a run's verdict can no longer change: thresholds settled as failed, and the early stop.

A threshold is settled as failed only when no outcome of the requests still to come could
make it pass; thresholds with no such rule (rps, mean, service times, ">" and ">=") are
never settled. The population of the summary is the steady window's requests (those due
after the ramp-up), at most the N the schedule planned there.

* ``pNN<B`` (and ``max<B``, the 100th percentile): the summary reports the nearest-rank
  value, rank r(M) = ceil(NN/100 * M) of the M requests measured, as its histogram bucket's
  midpoint (never below the bucket's low edge). A request is known to miss once its latency
  falls in a bucket whose low edge is B or more: it completed that slowly (errors included:
  a failed request counts with the latency it had), or it is still in flight that long after
  it was due (its latency can only grow). With K such requests and M <= N, the reported
  value is at least B as soon as K > M - r(M) for every M <= N, i.e. K > N - r(N) (plus 2
  for the float rounding of the rank's product; max is exact: one request suffices).
* ``errors<E%``: the error rate is errors / M >= known errors / N.

The parent takes the decision on the sum of its workers' counts, and never while the
generator is itself in trouble (schedule lag over its limit, a process at full CPU,
errors on the generator's side): a stop must never turn the generator's problem into the
app's failure, and such a run goes on to be judged inconclusive as before.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.load.histogram import bucket_bounds, bucket_index
from harness.load.thresholds import Kind, Threshold

# The summary's percentile keys and the q each is computed with (result._LATENCY_QS); max is q=100.
QUANTILES = {"p50_ms": 50.0, "p75_ms": 75.0, "p90_ms": 90.0, "p95_ms": 95.0, "p99_ms": 99.0,
             "p999_ms": 99.9, "max_ms": 100.0}


def cutoff_us(limit_ms: float, op: str) -> int:
    """The least latency (integer microseconds, as recorded) whose bucket's low edge misses ``op limit``.

    Bucket low edges grow with the value, so a latency misses iff it is at least this."""
    bound = limit_ms * 1000.0
    index = bucket_index(max(math.floor(bound), 0))
    while True:
        low = bucket_bounds(index)[0]
        if low > bound or (op == "<" and low >= bound):
            return low
        index += 1


@dataclass(frozen=True)
class Watch:
    """One threshold the settling rule applies to."""

    threshold: Threshold
    quantile: float | None  # None: the error rate
    cutoff_us: int = 0  # latency thresholds: see cutoff_us


def watches(thresholds: Sequence[Threshold]) -> tuple[Watch, ...]:
    found = []
    for t in thresholds:
        if t.op not in ("<", "<="):
            continue  # a floor (rps>=R) can be reached by what is still to come
        if t.kind is Kind.LATENCY and t.result_key in QUANTILES:
            found.append(Watch(t, QUANTILES[t.result_key], cutoff_us(t.limit, t.op)))
        elif t.kind is Kind.RATIO and t.result_key == "error_rate":
            found.append(Watch(t, None))
    return tuple(found)


def latency_settled(quantile: float, known: int, planned: int) -> bool:
    """Whether ``known`` requests at or over the cutoff out of at most ``planned`` fix the percentile there."""
    if known <= 0:
        return False
    if quantile >= 100.0:
        return True  # the maximum is kept exactly
    rank = max(1, math.ceil(quantile / 100.0 * planned))
    return known > planned - rank + 2


def errors_settled(threshold: Threshold, errors: int, planned: int) -> bool:
    # The summary rounds the rate to 6 digits; rounding keeps the order, so the lower bound's
    # rounded value missing the threshold means the final one misses it too.
    return planned > 0 and errors > 0 and not threshold.holds(round(errors / planned, 6))


def settled(watch_list: Sequence[Watch], known_over: Sequence[int], errors: int, planned: int) -> list[str]:
    """Why each settled threshold can no longer pass (empty: none is settled)."""
    reasons = []
    over = iter(known_over)
    for watch in watch_list:
        t = watch.threshold
        if watch.quantile is None:
            if errors_settled(t, errors, planned):
                reasons.append(f"{t.source} can no longer pass: {errors} of {planned} planned requests "
                               f"already failed")
            continue
        known = next(over)
        if latency_settled(watch.quantile, known, planned):
            took = f"{t.limit:g} ms or more" if t.op == "<" else f"more than {t.limit:g} ms"
            reasons.append(f"{t.source} can no longer pass: {known} of {planned} planned requests already "
                           f"took {took} (done, or still in flight since they were due)")
    return reasons


@dataclass(frozen=True)
class EarlyStop:
    """The parent's side: the watched thresholds, the run's plan and the generator's limits."""

    watches: tuple[Watch, ...]
    planned: int  # steady-window requests of all workers together
    max_lag_p99_ms: float
    max_cpu_percent: float

    @property
    def cutoffs_us(self) -> tuple[int, ...]:
        return tuple(w.cutoff_us for w in self.watches if w.quantile is not None)

    def decide(self, ticks: Sequence[Mapping[str, object]]) -> str | None:
        """The reason to stop now, from every worker's progress of the same second; None: go on."""
        if not ticks or not self.watches:
            return None
        for tick in ticks:
            lag = tick.get("lag_p99_ms")
            if isinstance(lag, int | float) and lag > self.max_lag_p99_ms:
                return None
            cpu = tick.get("cpu_percent")
            if isinstance(cpu, int | float) and cpu > self.max_cpu_percent:
                return None
            if _int(tick.get("own_errors")) > 0 or "known_over" not in tick:
                return None
        over = [0] * len(self.cutoffs_us)
        for tick in ticks:
            counts = tick["known_over"]
            assert isinstance(counts, list)
            over = [a + _int(b) for a, b in zip(over, counts, strict=True)]
        errors = sum(_int(tick.get("steady_errors")) for tick in ticks)
        reasons = settled(self.watches, over, errors, self.planned)
        return "; ".join(reasons) if reasons else None


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


class Known:
    """The worker's side: steady requests known to reach each cutoff, done or still in flight."""

    def __init__(self, cutoffs: Sequence[int]) -> None:
        self.cutoffs = tuple(cutoffs)
        self.done = [0] * len(self.cutoffs)
        self._flying: dict[float, int] = {}  # intended send -> how many are in flight

    def sent(self, intended: float) -> None:
        if self.cutoffs:
            self._flying[intended] = self._flying.get(intended, 0) + 1

    def completed(self, intended: float, micros: int) -> None:
        if not self.cutoffs:
            return
        left = self._flying.pop(intended, 1) - 1
        if left > 0:
            self._flying[intended] = left
        for i, cutoff in enumerate(self.cutoffs):
            if micros >= cutoff:
                self.done[i] += 1

    def counts(self, now: float) -> list[int]:
        """Per cutoff: completed at or over it, plus in flight for at least that long since due."""
        counts = list(self.done)
        for intended, n in self._flying.items():
            waited = int((now - intended) * 1_000_000)
            for i, cutoff in enumerate(self.cutoffs):
                if waited >= cutoff:
                    counts[i] += n
        return counts

    @property
    def in_flight(self) -> int:
        return sum(self._flying.values())
