"""The early stop's settling rule: a threshold is settled as missed only when nothing still to come can save it."""

from __future__ import annotations

import math

import pytest

from harness.load.histogram import Histogram, bucket_bounds, bucket_index
from harness.load.result import build_result, rejudge
from harness.load.settle import (
    EarlyStop,
    Known,
    cutoff_us,
    errors_settled,
    latency_settled,
    settled,
    watches,
)
from harness.load.terminal import render_summary
from harness.load.thresholds import parse_threshold

from .load_fixtures import partial, spec


@pytest.mark.parametrize(("limit_ms", "op"), [(200.0, "<"), (200.0, "<="), (0.3, "<"), (1234.5, "<"), (10.0, "<=")])
def test_a_latency_misses_exactly_from_its_cutoff(limit_ms: float, op: str) -> None:
    cutoff = cutoff_us(limit_ms, op)
    bound = limit_ms * 1000
    for micros in range(max(0, int(bound * 0.98) - 3), int(bound * 1.02) + 3):
        low = bucket_bounds(bucket_index(micros))[0]
        misses = low >= bound if op == "<" else low > bound
        assert (micros >= cutoff) == misses, micros


def _p(values: list[int], q: float) -> float:
    hist = Histogram()
    for v in values:
        hist.record_us(v)
    return hist.percentile_ms(q)


@pytest.mark.parametrize("q", [50.0, 90.0, 95.0, 99.0, 99.9])
@pytest.mark.parametrize("planned", [1, 7, 40, 213])
def test_a_settled_percentile_misses_whatever_the_rest_does(q: float, planned: int) -> None:
    limit_ms = 200.0
    cutoff = cutoff_us(limit_ms, "<")
    for known in range(planned + 1):
        if latency_settled(q, known, planned):
            # Whatever comes of the others (the fastest possible; some never measured), it misses.
            for measured in range(known, planned + 1):
                assert _p([cutoff] * known + [1] * (measured - known), q) >= limit_ms, (known, measured)
    # And the rule is tight within its float margin: two requests fewer, the run could still pass.
    rank = max(1, math.ceil(q / 100.0 * planned))
    first = next((k for k in range(planned + 1) if latency_settled(q, k, planned)), planned + 1)
    assert first <= planned - rank + 3
    if planned - rank >= 0:
        assert _p([cutoff] * (planned - rank) + [1] * rank, q) < limit_ms


def test_max_is_settled_by_one_request() -> None:
    assert latency_settled(100.0, 1, 10_000)
    assert not latency_settled(100.0, 0, 10_000)


@pytest.mark.parametrize("text", ["errors<1%", "errors<=1%", "errors<0.5%"])
def test_a_settled_error_rate_misses_whatever_the_rest_does(text: str) -> None:
    threshold = parse_threshold(text)
    planned = 1000
    for errors in range(0, 30):
        if errors_settled(threshold, errors, planned):
            for measured in range(errors, planned + 1, 7):
                assert not threshold.holds(round(errors / measured, 6))
        else:
            # All the others succeed: it passes, so it was not settled.
            assert threshold.holds(round(errors / planned, 6))


def test_only_ceilings_with_an_exact_rule_are_watched() -> None:
    found = watches([parse_threshold(t) for t in
                     ("rps>=970", "p95<200ms", "errors<1%", "mean<10ms", "service_p95<50ms", "max<2s", "p99>1ms")])
    assert [w.threshold.source for w in found] == ["p95<200ms", "errors<1%", "max<2s"]


def test_settled_says_which_threshold_and_why() -> None:
    found = watches([parse_threshold("p95<200ms"), parse_threshold("errors<1%")])
    assert settled(found, [500], 3, 10_000) == []
    reasons = settled(found, [501 + 2], 100, 10_000)
    assert reasons[0].startswith("p95<200ms can no longer pass: 503 of 10000 planned requests already took 200 ms")
    assert reasons[1] == "errors<1% can no longer pass: 100 of 10000 planned requests already failed"


def _tick(over: int, *, errors: int = 0, lag: float | None = 1.0, cpu: float = 30.0, own: int = 0) -> dict[str, object]:
    return {"known_over": [over], "steady_errors": errors, "lag_p99_ms": lag, "cpu_percent": cpu, "own_errors": own}


def test_the_decision_is_taken_on_all_workers_together_and_never_when_the_generator_is_in_trouble() -> None:
    stop = EarlyStop(watches([parse_threshold("p95<200ms")]), planned=10_000, max_lag_p99_ms=10.0,
                     max_cpu_percent=90.0)
    assert stop.decide([_tick(300)]) is None  # 300 of 10 000: p95 can still end under 200 ms
    assert stop.decide([_tick(300), _tick(300)]) is not None  # 600 together: it cannot
    assert stop.decide([_tick(300), _tick(300, lag=11.0)]) is None  # a worker behind its schedule
    assert stop.decide([_tick(300), _tick(300, cpu=95.0)]) is None  # a worker out of CPU
    assert stop.decide([_tick(300), _tick(300, own=1)]) is None  # errors on the generator's side
    assert stop.decide([_tick(300), {"second": 3}]) is None  # a worker that does not count


def test_a_worker_counts_what_is_in_flight_by_how_long_since_it_was_due() -> None:
    known = Known([cutoff_us(200.0, "<")])
    known.sent(1.0)
    known.sent(1.5)
    known.sent(1.9)
    known.completed(1.9, 5_000)  # fast: not counted
    assert known.counts(1.7) == [1]  # 700 ms in flight (the one due at 1.0)
    assert known.counts(2.0) == [2]
    known.completed(1.0, 2_000_000)
    assert known.counts(2.0) == [2] and known.in_flight == 1


def test_a_run_stopped_early_fails_its_settled_threshold_and_says_so() -> None:
    run = spec(rate=100.0, duration=4.0, ramp_up=1.0)
    part = partial(run, latency=0.002)
    part.stopped_at, part.steady_end, part.abandoned = 2.0, 2.0, 40
    part.stop_reason = "p95<200ms can no longer pass: 40 of 300 planned requests already took 200 ms or more"
    thresholds = [parse_threshold("p95<200ms"), parse_threshold("errors<1%")]
    result = build_result(run, part, thresholds=thresholds)
    assert result["stopped_early"] == {"at_s": 2.0, "because": part.stop_reason, "abandoned_in_flight": 40}
    # The requests measured until the stop were fast; the abandoned ones settle the threshold.
    assert result["p95_ms"] < 200
    assert result["verdict"] == "fail", result["verdict_reasons"]
    assert [t["passed"] for t in result["thresholds"]] == [False, True]
    assert result["verdict_reasons"][0].startswith(f"threshold p95<200ms missed: {part.stop_reason}; the run "
                                                   "stopped early at 2.0 s")
    assert "early, at 2.0 s of 4 s" in render_summary(result)
    rejudge(result, thresholds, [])
    assert result["verdict"] == "fail" and not result["thresholds"][0]["passed"]


def test_a_stopped_run_whose_generator_was_in_trouble_stays_inconclusive() -> None:
    run = spec(rate=100.0, duration=4.0, ramp_up=1.0)
    part = partial(run, latency=0.002, lag=0.05)  # 50 ms behind its schedule: over the 10 ms limit
    part.stopped_at, part.steady_end = 2.0, 2.0
    part.stop_reason = "p95<200ms can no longer pass: 40 of 300 planned requests already took 200 ms or more"
    result = build_result(run, part, thresholds=[parse_threshold("p95<200ms")])
    assert result["verdict"] == "inconclusive", result["verdict_reasons"]
