"""Who an inconclusive load run is put down to, from where the machine's CPU went; and when a
lagging generator's run still passes."""

from __future__ import annotations

from typing import Any

import pytest

from harness.load import blame
from harness.load.cpusplit import APP_SIDE, HARNESS_SIDE, OUTSIDE, SERVICES_SIDE
from harness.load.result import build_result
from harness.load.thresholds import parse_threshold

from .load_fixtures import partial, spec


def _split(app: float, services: float, harness: float, outside: float, idle: float = 1.0) -> dict[str, Any]:
    return {"cores": 2, "idle_percent": idle, "steal_percent": 0.0, "parties": [],
            "sides": {APP_SIDE: app, SERVICES_SIDE: services, HARNESS_SIDE: harness, OUTSIDE: outside}}


RESULT = {"achieved_rps": 800.0, "target_rps": 1000.0}


def test_cpu_per_request_counts_the_app_and_its_databases() -> None:
    # 120% + 40% of a core at 800 req/s: 1.6 core-seconds per second, 2 ms per request.
    assert blame.app_cpu_ms_per_request(_split(120, 40, 30, 0), 800) == pytest.approx(2.0)
    assert blame.app_cpu_ms_per_request(_split(120, 40, 30, 0), 0) is None


def test_an_app_that_saturates_the_machine_beyond_its_allowance_is_to_blame() -> None:
    # 1.5 ms per request at the 1000 req/s asked allows 150% of a core: the app took 160%.
    found = blame.blame(_split(140, 20, 30, 8), RESULT, budget_ms=1.5, reference_ms=0.7)
    assert found.party == blame.APP
    assert "used 160% of a core (2.00 ms per request served), more than the 150%" in found.reason
    assert "reference implementation uses about 0.70 ms" in found.reason
    assert "not your app" not in found.reason


def test_an_app_that_served_few_requests_is_not_costly_for_that_alone() -> None:
    # 17% of a core over 114 requests a second is 1.5 ms each, but far from saturating anything.
    found = blame.blame(_split(15, 2, 30, 150), {"achieved_rps": 114.0, "target_rps": 1000.0}, budget_ms=1.4)
    assert found.party == blame.OUTSIDE_RUN


@pytest.mark.parametrize(
    ("split", "party", "words"),
    [
        (_split(60, 15, 30, 95), blame.OUTSIDE_RUN, "something outside this run took 95%"),
        (_split(60, 15, 100, 20), blame.HARNESS, "the harness's own processes"),
        (_split(100, 30, 50, 19), blame.MACHINE, "2 cores are not enough for this rate"),
        (_split(60, 15, 30, 0, idle=40.0), blame.GENERATOR_ALONE, "40% of its CPU idle"),
    ],
)
def test_within_its_allowance_the_app_is_never_blamed(split: dict[str, Any], party: str, words: str) -> None:
    found = blame.blame(split, RESULT, budget_ms=2.0)
    assert found.party == party
    assert words in found.reason


def test_a_saturated_machine_beyond_the_allowance_is_the_apps_even_when_others_were_busy_too() -> None:
    # The app took 200% where 1.4 ms per request allows 140%: no share of the others explains that.
    assert blame.blame(_split(170, 30, 60, 60), RESULT, budget_ms=1.4).party == blame.APP


def test_no_split_leaves_the_generator_to_blame() -> None:
    assert blame.blame(None, RESULT, budget_ms=2.0).party == blame.GENERATOR_ALONE


def test_held_thresholds_stand_when_the_generator_only_lagged() -> None:
    # Its lag was counted against the app (latency from the intended send), never for it.
    run = spec()
    result = build_result(run, partial(run, lag=0.050), thresholds=[parse_threshold("p95<200ms")])
    assert result["verdict"] == "pass"
    assert result["verdict_reasons"][0].startswith("all 1 thresholds held, although")
    assert any("schedule lag p99 50.0 ms" in reason for reason in result["verdict_reasons"][1:])


def test_a_rate_not_sent_can_flatter_the_app_and_stays_inconclusive() -> None:
    run = spec()
    result = build_result(run, partial(run, send_fraction=0.9), thresholds=[parse_threshold("p95<200ms")])
    assert result["verdict"] == "inconclusive"
    assert result["generator"]["problems_can_flatter"] is True


def test_an_app_that_waited_for_a_cpu_much_of_the_time_was_starved() -> None:
    split = _split(60, 15, 30, 95)
    assert not blame.app_starved(split)
    split["waited"] = {APP_SIDE: blame.STARVED_PERCENT, SERVICES_SIDE: 0.0, HARNESS_SIDE: 0.0}
    assert blame.app_starved(split)
    assert not blame.app_starved(None)


def test_an_app_that_waited_while_others_came_in_bursts_is_not_blamed_for_the_idle_average() -> None:
    """The capstone's reference graded while a Maven build ran next door: 30% of the machine idle
    on average, yet its instances waited for a CPU 54% of the time, at 1.01 ms per request."""
    split = _split(83, 14, 19, 25, idle=30.0)
    split["waited"] = {APP_SIDE: 54.0, SERVICES_SIDE: 21.0, HARNESS_SIDE: 10.0}
    found = blame.blame(split, {"achieved_rps": 963.4, "target_rps": 1000.0}, budget_ms=1.4)
    assert found.party == blame.OUTSIDE_RUN
    assert "waited for a CPU 54% of the time while something outside this run took 25% of a core" in found.reason
    assert "within the 140% allowed (1.01 ms per request served)" in found.reason
    # Nothing outside beyond its share: the idle CPU says the generator, as before.
    quiet = _split(83, 14, 19, 15, idle=30.0)
    quiet["waited"] = split["waited"]
    assert blame.blame(quiet, {"achieved_rps": 963.4, "target_rps": 1000.0}, budget_ms=1.4).party \
        == blame.GENERATOR_ALONE
    # An app past twice its allowance per request served waited for nobody's sake but its own.
    costly = _split(83, 14, 19, 25, idle=30.0)
    costly["waited"] = split["waited"]
    assert blame.blame(costly, {"achieved_rps": 300.0, "target_rps": 1000.0}, budget_ms=1.4).party \
        == blame.GENERATOR_ALONE


def _held(split: dict[str, Any], cores: float, throttled: float) -> dict[str, Any]:
    split["app_quota"] = {"cores": cores, "throttled_percent": throttled}
    return split


def test_an_app_its_own_quota_held_below_the_allowance_is_not_judged() -> None:
    # Graded with one CPU where 1.4 ms per request at 1000 req/s allows 140% of a core: the quota,
    # not the app, made it slow, however idle the host's other core was.
    split = _held(_split(85, 13, 40, 2, idle=45.0), cores=1.0, throttled=64.0)
    found = blame.blame(split, RESULT, budget_ms=1.4)
    assert found.party == blame.QUOTA and found.party in blame.NOT_THE_APP
    assert found.reason.startswith(f"{blame.QUOTA_HELD}: 1 core = 100% (its cgroup's), which stopped it in 64% "
                                   "of its periods")
    assert "allows a reasonable app 140% of a core at this rate, more than the quota gives" in found.reason
    assert "give it 2 CPUs" in found.reason
    assert blame.app_starved(split), "a miss by far under the quota is not the app's either"


def test_a_quota_met_in_bursts_within_the_allowance_asks_for_more_than_it_gave() -> None:
    found = blame.blame(_held(_split(90, 10, 40, 2, idle=30.0), cores=2.0, throttled=25.0), RESULT,
                        budget_ms=1.4)
    assert found.party == blame.QUOTA
    assert "its bursts met the quota" in found.reason and "give it 3 CPUs" in found.reason


def test_an_app_costlier_than_its_allowance_is_to_blame_under_its_quota_too() -> None:
    # Two CPUs for an allowance of 140%: it used 195% and was stopped by the quota for that.
    found = blame.blame(_held(_split(180, 15, 40, 2, idle=30.0), cores=2.0, throttled=70.0), RESULT,
                        budget_ms=1.4)
    assert found.party == blame.APP
    assert found.reason.startswith("the app was held to a CPU quota of 2 cores")
    assert "more than the 140% that 1.40 ms of CPU per request allows at 1000 req/s" in found.reason


def test_a_quota_that_seldom_stopped_the_app_changes_nothing() -> None:
    split = _held(_split(60, 15, 30, 0, idle=40.0), cores=1.0, throttled=blame.THROTTLED_PERCENT - 1)
    assert blame.blame(split, RESULT, budget_ms=2.0).party == blame.GENERATOR_ALONE
    assert not blame.app_starved(split)
