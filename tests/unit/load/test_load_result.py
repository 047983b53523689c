"""The result document: its keys, the verdict rules and their reasons."""

from __future__ import annotations

import json

import pytest

from harness.load.recorder import Partial
from harness.load.result import SCHEMA, Limits, build_result, rejudge
from harness.load.thresholds import parse_threshold

from .load_fixtures import partial, spec

REQUIRED = {
    "schema", "target", "model", "latency_measured_from", "target_rps", "achieved_rps",
    "send_rps", "requests", "errors", "error_rate", "dropped", "p50_ms", "p75_ms", "p90_ms",
    "p95_ms", "p99_ms", "p999_ms", "max_ms", "mean_ms", "min_ms", "service_p50_ms",
    "service_p90_ms", "service_p95_ms", "service_p99_ms", "service_max_ms", "service_mean_ms",
    "generator_cpu_percent", "generator_cpu_total_percent", "schedule_lag_p50_ms",
    "schedule_lag_p99_ms", "schedule_lag_max_ms", "verdict", "verdict_reasons", "started_at",
    "duration_s", "ramp_up_s", "workers", "thresholds", "generator", "errors_by_kind",
    "routes", "timeline", "histogram", "notes",
}


def test_the_document_has_every_key_and_is_json() -> None:
    run = spec()
    result = build_result(run, partial(run, every_nth_error=50),
                          thresholds=[parse_threshold("p95<200ms")])
    assert set(result) >= REQUIRED
    assert result["schema"] == SCHEMA
    json.loads(json.dumps(result))  # serialisable as is
    assert result["latency_measured_from"] == "intended send"
    assert result["target_rps"] == 100.0
    assert result["achieved_rps"] == pytest.approx(100.0, abs=1)
    assert result["requests"] == 300  # the steady window only: ramp-up excluded
    assert result["error_rate"] == pytest.approx(0.02, abs=0.005)
    assert result["errors_by_kind"] == {"HTTP 500": result["errors"]}
    assert result["p50_ms"] == pytest.approx(2.5, rel=0.01)  # lag + latency, from intended
    assert result["service_p50_ms"] == pytest.approx(2.0, rel=0.01)  # from the actual send
    assert result["schedule_lag_p99_ms"] == pytest.approx(0.5, rel=0.01)
    assert set(result["routes"]) == {"GET /books", "POST /books"}
    assert result["routes"]["GET /books"]["requests"] == 200
    row = result["timeline"][2]
    assert {"second", "target_rps", "sent", "rps", "errors", "p50_ms", "p95_ms", "p99_ms",
            "max_ms", "cpu_percent"} <= set(row)
    assert row["rps"] == 100
    assert sum(b["count"] for b in result["histogram"]) == result["requests"]
    assert result["thresholds"][0] | {"actual": None} == {
        "expression": "p95<200ms", "metric": "p95", "key": "p95_ms", "op": "<",
        "limit": 200.0, "actual": None, "passed": True}


def test_a_stall_shows_in_latency_from_the_intended_send() -> None:
    run = spec(duration=5)
    result = build_result(run, partial(run, stall=(2.0, 0.5)))
    # 50 of 400 steady requests waited for the stall to end: up to 500 ms.
    assert result["p95_ms"] > 150
    assert result["max_ms"] == pytest.approx(502, abs=3)


def test_pass_fail_on_thresholds() -> None:
    run = spec()
    part = partial(run)
    ok = build_result(run, part, thresholds=[parse_threshold("p95<200ms")])
    assert ok["verdict"] == "pass"
    bad = build_result(run, part, thresholds=[parse_threshold("p95<1ms"),
                                              parse_threshold("errors<1%")])
    assert bad["verdict"] == "fail"
    assert bad["verdict_reasons"] == [
        "threshold p95<1ms missed: p95 was 2.5 ms, needs < 1 ms"]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"lag": 0.050}, "schedule lag p99 50.0 ms > 10 ms"),
        ({"send_fraction": 0.9}, "the generator sent 90 req/s of the 100 asked (90% < 97%)"),
        ({"cpu_percent": 97.0}, "used 97% of a core (limit 90%)"),
    ],
)
def test_a_generator_that_cannot_keep_up_is_inconclusive_never_fail(
    kwargs: dict[str, float], words: str
) -> None:
    run = spec()
    result = build_result(run, partial(run, **kwargs),  # type: ignore[arg-type]
                          thresholds=[parse_threshold("p95<1ms")])  # would fail otherwise
    assert result["verdict"] == "inconclusive"
    reasons = " ".join(result["verdict_reasons"])
    assert words in reasons
    assert "the load generator, not your app" in reasons
    assert result["thresholds"][0]["passed"] is False  # still reported, not the verdict


def test_an_app_failing_clearly_fails_even_when_the_generator_lagged() -> None:
    # A saturated machine: the generator lags 50 ms, and the app takes 400 ms from each
    # actual send and answers every other request with a 500. No lag explains that.
    run = spec()
    result = build_result(run, partial(run, lag=0.050, latency=0.400, every_nth_error=2),
                          thresholds=[parse_threshold("p95<50ms"), parse_threshold("errors<1%")])
    assert result["verdict"] == "fail"
    reasons = result["verdict_reasons"]
    assert reasons[0].startswith("p95_ms from each request's actual send was 400")
    assert "failed on the app's side" in reasons[1]
    assert any(r.startswith("also: ") and "schedule lag p99 50.0 ms" in r for r in reasons)
    # The same lag with a narrow miss stays inconclusive: the lag could explain it.
    narrow = build_result(run, partial(run, lag=0.050, latency=0.060),
                          thresholds=[parse_threshold("p95<50ms")])
    assert narrow["verdict"] == "inconclusive"


def test_errors_of_the_generator_itself_are_inconclusive() -> None:
    run = spec()
    part = partial(run)
    part.errors_by_kind["too many open files (generator)"] = 3
    result = build_result(run, part)
    assert result["verdict"] == "inconclusive"
    assert "too many open files" in result["verdict_reasons"][0]


def test_limits_are_configurable_and_reported() -> None:
    run = spec()
    result = build_result(run, partial(run, lag=0.050), limits=Limits(max_lag_p99_ms=100.0))
    assert result["verdict"] == "pass"
    assert result["generator"]["limits"]["max_schedule_lag_p99_ms"] == 100.0


def test_closed_model_figures_have_names_of_their_own() -> None:
    open_run, closed_run = spec(), spec(model="closed")
    closed_part = partial(closed_run, latency=0.001, lag=0.0)
    result = build_result(open_run, partial(open_run), closed=(closed_run, closed_part))
    assert result["closed_p95_ms"] == pytest.approx(1.0, rel=0.01)
    assert result["p95_ms"] == pytest.approx(2.5, rel=0.01)
    assert result["closed"]["latency_measured_from"] == "actual send"
    assert result["verdict"] == "pass"  # the comparison run never decides the verdict


def test_a_closed_run_short_of_its_rate_is_inconclusive_and_says_why() -> None:
    run = spec(model="closed")
    part = partial(run, lag=0.0, send_fraction=0.8)
    result = build_result(run, part)
    assert result["model"] == "closed"
    assert result["schedule_lag_p99_ms"] is None
    assert result["verdict"] == "inconclusive"
    assert "rerun with --model open" in result["verdict_reasons"][0]


def test_rejudge_adds_regressions() -> None:
    run = spec()
    result = build_result(run, partial(run))
    rejudge(result, [], ["p95_ms 1.00 ms -> 9.00 ms (+800.0%, tolerance 10%)"])
    assert result["verdict"] == "fail"
    assert result["verdict_reasons"] == ["regression: p95_ms 1.00 ms -> 9.00 ms "
                                         "(+800.0%, tolerance 10%)"]


def test_partials_merge_and_round_trip() -> None:
    run = spec()
    a, b = partial(run), partial(run, latency=0.004)
    merged = Partial.from_json(json.loads(json.dumps(a.to_json())))
    merged.merge(b)
    assert merged.requests == a.requests + b.requests
    assert merged.target_rate == 200.0
    assert merged.latency.count == a.latency.count + b.latency.count
    assert merged.timeline[2].completed == 200
    assert len(merged.processes) == 2
