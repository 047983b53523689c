"""Histogram math: bucket layout, percentiles within 1% of exact, merge, JSON round trip."""

from __future__ import annotations

import math
import random

import pytest

from harness.load.histogram import Histogram, bucket_bounds, bucket_index


def exact_percentile(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


@pytest.mark.parametrize("micros", [0, 1, 127, 255, 256, 257, 511, 512, 1000, 4095, 65_537,
                                    1_000_000, 3_600_000_000])
def test_a_value_falls_inside_its_bucket_and_the_bucket_is_narrow(micros: int) -> None:
    low, high = bucket_bounds(bucket_index(micros))
    assert low <= micros < high
    assert high - low == 1 or (high - low) / low <= 1 / 128


def test_bucket_indexes_are_contiguous_and_ordered() -> None:
    previous_high = 0
    for index in range(0, 256 + 128 * 20):
        low, high = bucket_bounds(index)
        assert low == previous_high, index
        assert bucket_index(low) == index and bucket_index(high - 1) == index
        previous_high = high


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_percentiles_are_within_one_percent_of_exact(seed: int) -> None:
    rng = random.Random(seed)
    # A latency-like mix: a fast body, a slow tail and a stall cluster.
    values = [int(rng.lognormvariate(7, 0.6)) for _ in range(20_000)]
    values += [int(rng.uniform(100_000, 400_000)) for _ in range(1_500)]
    hist = Histogram()
    for v in values:
        hist.record_us(v)
    for q in (1, 50, 75, 90, 95, 99, 99.9, 100):
        exact = exact_percentile(values, q)
        assert hist.percentile_us(q) == pytest.approx(exact, rel=0.01, abs=1), q


def test_exact_figures_are_exact() -> None:
    hist = Histogram.of_seconds([0.002, 0.004, 0.9])
    assert hist.count == 3
    assert hist.max_ms == 900.0
    assert hist.min_us == 2000
    assert hist.mean_ms == pytest.approx((2 + 4 + 900) / 3)
    assert hist.percentile_ms(100) == 900.0


def test_identical_values_give_that_value() -> None:
    hist = Histogram()
    hist.record_us(123_456, times=10)
    assert hist.percentile_us(50) == 123_456.0
    assert hist.percentile_us(1) == 123_456.0


def test_empty_histogram_reports_zero_and_rejects_bad_quantiles() -> None:
    hist = Histogram()
    assert hist.percentile_ms(99) == 0.0
    assert hist.mean_ms == 0.0
    hist.record_us(5)
    with pytest.raises(ValueError, match="within"):
        hist.percentile_us(101)


def test_negative_values_count_as_zero() -> None:
    hist = Histogram()
    hist.record_seconds(-0.001)  # clock jitter between processes, never a crash
    assert hist.min_us == 0 and hist.count == 1


def test_merge_equals_recording_everything_in_one() -> None:
    rng = random.Random(7)
    a_values = [rng.randrange(1, 10_000_000) for _ in range(3000)]
    b_values = [rng.randrange(1, 500) for _ in range(3000)]
    a, b, both = Histogram(), Histogram(), Histogram()
    for v in a_values:
        a.record_us(v)
        both.record_us(v)
    for v in b_values:
        b.record_us(v)
        both.record_us(v)
    a.merge(b)
    assert a == both
    empty = Histogram()
    empty.merge(a)
    assert empty == both


def test_json_round_trip_keeps_everything() -> None:
    hist = Histogram.of_seconds([0.0001, 0.25, 0.25, 3.0])
    data = hist.to_json()
    assert all(isinstance(k, str) for k in data["buckets"])  # type: ignore[union-attr]
    assert Histogram.from_json(data) == hist


def test_bad_json_is_refused() -> None:
    with pytest.raises(ValueError):
        Histogram.from_json({"buckets": [1, 2]})
