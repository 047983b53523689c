"""Log-linear latency histogram (HdrHistogram's layout, ~0.4% error) in pure Python.

Why a histogram and not the samples: a run at 1000 req/s for an hour is 3.6 million
samples per series (latency, service time, schedule lag), per route and per second of
the timeline, and results travel between processes (N open-model workers, Locust
workers) as JSON. Histograms are bounded (a few hundred non-empty buckets), merge by
adding counts (exact for percentiles across workers, unlike averaging percentiles),
and their relative error (bucket width <= 1/128 of the value, midpoint reported)
is far below what a millisecond-rounded report shows. min, max, count and sum are
kept exactly, so ``max_ms`` and ``mean_ms`` are not approximations.

Values are recorded in integer microseconds: exact below 256 us, then 128 linear
sub-buckets per power of two.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

_SUB_BITS = 7
_SUB = 1 << _SUB_BITS  # 128 sub-buckets per power of two: width/value <= 1/128
_LINEAR_LIMIT = 2 * _SUB  # values below 256 us get a bucket each


def bucket_index(micros: int) -> int:
    """Index of the bucket holding ``micros`` (negative values count as 0)."""
    if micros < _LINEAR_LIMIT:
        return max(micros, 0)
    shift = micros.bit_length() - (_SUB_BITS + 1)
    return _LINEAR_LIMIT + (shift - 1) * _SUB + ((micros >> shift) - _SUB)


def bucket_bounds(index: int) -> tuple[int, int]:
    """[low, high) in microseconds of bucket ``index``."""
    if index < _LINEAR_LIMIT:
        return index, index + 1
    shift = (index - _LINEAR_LIMIT) // _SUB + 1
    mantissa = (index - _LINEAR_LIMIT) % _SUB + _SUB
    return mantissa << shift, (mantissa + 1) << shift


@dataclass
class Histogram:
    """Counts per bucket plus exact count, sum, min and max (all in microseconds)."""

    buckets: dict[int, int] = field(default_factory=dict)
    count: int = 0
    total_us: int = 0
    min_us: int = 0
    max_us: int = 0

    def record_seconds(self, seconds: float) -> None:
        self.record_us(int(seconds * 1_000_000))

    def record_us(self, micros: int, times: int = 1) -> None:
        micros = max(micros, 0)
        index = bucket_index(micros)
        self.buckets[index] = self.buckets.get(index, 0) + times
        if self.count == 0 or micros < self.min_us:
            self.min_us = micros
        self.max_us = max(self.max_us, micros)
        self.count += times
        self.total_us += micros * times

    def merge(self, other: Histogram) -> None:
        if other.count == 0:
            return
        for index, n in other.buckets.items():
            self.buckets[index] = self.buckets.get(index, 0) + n
        self.min_us = other.min_us if self.count == 0 else min(self.min_us, other.min_us)
        self.max_us = max(self.max_us, other.max_us)
        self.count += other.count
        self.total_us += other.total_us

    def percentile_us(self, q: float) -> float:
        """Nearest-rank percentile (q in [0, 100]); 0.0 for an empty histogram.

        The first and last ranks are the exact min and max; other ranks report their
        bucket's midpoint clamped to [min, max] (so identical values come back exact).
        """
        if self.count == 0:
            return 0.0
        if not 0.0 <= q <= 100.0:
            raise ValueError(f"percentile must be within [0, 100], got {q}")
        rank = max(1, math.ceil(q / 100.0 * self.count))
        if rank >= self.count:
            return float(self.max_us)  # the largest value is known exactly
        if rank == 1:
            return float(self.min_us)
        seen = 0
        for index in sorted(self.buckets):
            seen += self.buckets[index]
            if seen >= rank:
                low, high = bucket_bounds(index)
                middle = low if high - low == 1 else (low + high - 1) / 2
                return float(min(max(middle, self.min_us), self.max_us))
        return float(self.max_us)

    def percentile_ms(self, q: float) -> float:
        return self.percentile_us(q) / 1000.0

    @property
    def mean_ms(self) -> float:
        return self.total_us / self.count / 1000.0 if self.count else 0.0

    @property
    def max_ms(self) -> float:
        return self.max_us / 1000.0

    def iter_bins(self) -> Iterator[tuple[int, int, int]]:
        """(low_us, high_us, count) for each non-empty bucket, in value order."""
        for index in sorted(self.buckets):
            low, high = bucket_bounds(index)
            yield low, high, self.buckets[index]

    def to_json(self) -> dict[str, object]:
        # String keys: JSON objects (and msgpack maps between Locust nodes) need them.
        return {
            "count": self.count,
            "total_us": self.total_us,
            "min_us": self.min_us,
            "max_us": self.max_us,
            "buckets": {str(k): v for k, v in self.buckets.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Histogram:
        raw = data.get("buckets", {})
        if not isinstance(raw, Mapping):
            raise ValueError("histogram 'buckets' must be an object")
        return cls(
            buckets={int(k): _as_int(v) for k, v in raw.items()},
            count=_as_int(data.get("count", 0)),
            total_us=_as_int(data.get("total_us", 0)),
            min_us=_as_int(data.get("min_us", 0)),
            max_us=_as_int(data.get("max_us", 0)),
        )

    @classmethod
    def of_seconds(cls, values: Iterable[float]) -> Histogram:
        hist = cls()
        for value in values:
            hist.record_seconds(value)
        return hist


def _as_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a number, got {value!r}")
    return int(value)
