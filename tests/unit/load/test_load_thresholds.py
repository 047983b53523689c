"""Threshold expressions: what parses, what each error message says, how they evaluate."""

from __future__ import annotations

import pytest

from harness.load.thresholds import Kind, ThresholdError, evaluate, parse_threshold


@pytest.mark.parametrize(
    ("text", "key", "op", "limit", "kind"),
    [
        ("p95<200ms", "p95_ms", "<", 200.0, Kind.LATENCY),
        ("p99 < 500 ms", "p99_ms", "<", 500.0, Kind.LATENCY),
        ("max<2s", "max_ms", "<", 2000.0, Kind.LATENCY),
        ("p50<=800us", "p50_ms", "<=", 0.8, Kind.LATENCY),
        ("p99.9<1s", "p999_ms", "<", 1000.0, Kind.LATENCY),
        ("avg<10ms", "mean_ms", "<", 10.0, Kind.LATENCY),
        ("service_p95<50ms", "service_p95_ms", "<", 50.0, Kind.LATENCY),
        ("rps>=1000", "achieved_rps", ">=", 1000.0, Kind.RATE),
        ("rps>990/s", "achieved_rps", ">", 990.0, Kind.RATE),
        ("errors<1%", "error_rate", "<", 0.01, Kind.RATIO),
        ("error_rate<=0.5%", "error_rate", "<=", 0.005, Kind.RATIO),
    ],
)
def test_valid_expressions(text: str, key: str, op: str, limit: float, kind: Kind) -> None:
    threshold = parse_threshold(text)
    assert threshold.result_key == key
    assert threshold.op == op
    assert threshold.limit == pytest.approx(limit)
    assert threshold.kind is kind
    assert threshold.source == text.strip()


def test_a_latency_without_unit_is_refused_with_the_fix() -> None:
    with pytest.raises(ThresholdError) as info:
        parse_threshold("p95<200")
    message = str(info.value)
    assert "'p95<200'" in message
    assert "needs a unit" in message and "p95<200ms" in message


def test_an_unknown_metric_lists_the_valid_ones() -> None:
    with pytest.raises(ThresholdError) as info:
        parse_threshold("p96<200ms")
    message = str(info.value)
    assert "unknown metric 'p96'" in message
    for metric in ("rps", "p95", "p99", "max", "errors", "service_"):
        assert metric in message


@pytest.mark.parametrize("text", ["", "p95", "fast please", "p95 << 3ms", "<200ms"])
def test_garbage_names_the_expression_and_shows_examples(text: str) -> None:
    with pytest.raises(ThresholdError) as info:
        parse_threshold(text)
    assert f"bad threshold {text!r}" in str(info.value)
    assert "p95<200ms" in str(info.value)


def test_equality_is_refused() -> None:
    with pytest.raises(ThresholdError, match="use <, <=, > or >="):
        parse_threshold("p95=200ms")


def test_errors_need_a_percent_and_rates_no_time_unit() -> None:
    with pytest.raises(ThresholdError, match="errors<1%"):
        parse_threshold("errors<0.01")
    with pytest.raises(ThresholdError, match="requests per second"):
        parse_threshold("rps>=1000ms")


def test_evaluate_checks_each_and_a_missing_figure_fails() -> None:
    thresholds = [parse_threshold(t) for t in ("p95<200ms", "rps>=990", "errors<1%", "p99<1s")]
    summary = {"p95_ms": 150.0, "achieved_rps": 980.0, "error_rate": 0.0, "p99_ms": None}
    outcomes = evaluate(thresholds, summary)
    assert [o.passed for o in outcomes] == [True, False, True, False]
    assert outcomes[1].actual == 980.0
    assert outcomes[3].actual is None
    assert outcomes[0].to_json()["expression"] == "p95<200ms"


def test_nan_never_passes() -> None:
    assert not parse_threshold("p95<200ms").holds(float("nan"))
