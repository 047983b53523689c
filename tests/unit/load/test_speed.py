"""How much slower this machine's cores are than the reference machine's (harness/load/speed.py),
and what the slowdown does to the load check's allowance: a correct app on a slower machine is
not blamed for the machine."""

from __future__ import annotations

import pytest

from harness.load import blame, speed
from harness.load.cpusplit import APP_SIDE, HARNESS_SIDE, OUTSIDE, SERVICES_SIDE


def test_the_factor_is_never_below_one_and_capped() -> None:
    assert speed.factor(speed.BASELINE_S / 2) == 1.0  # a faster machine keeps the allowance
    assert speed.factor(speed.BASELINE_S * 1.05) == 1.0  # within the baseline's own spread
    assert speed.factor(speed.BASELINE_S * 1.5) == pytest.approx(1.5)
    assert speed.factor(speed.BASELINE_S * 10) == speed.MAX_SLOWDOWN


def test_the_work_is_timed_in_this_threads_cpu_time() -> None:
    seconds = speed.work_seconds(repeats=2)
    assert 0 < seconds < 5  # some CPU, and not the wall clock of a busy machine's waits
    assert speed.slowdown() == speed.slowdown() >= 1.0  # measured once per process


def test_a_correct_app_on_a_slower_machine_is_not_blamed_for_the_machine() -> None:
    # 150% of a core at 1000 req/s (1.5 ms per request) on a saturated 2-core machine: the
    # reference's 0.75 ms on cores twice as slow. At the allowance as measured (1.4 ms) the app
    # is blamed; scaled by a slowdown of 2 (2.8 ms), the machine is not enough for the rate.
    split = {"cores": 2, "idle_percent": 1.0, "steal_percent": 0.0, "parties": [],
             "sides": {APP_SIDE: 120.0, SERVICES_SIDE: 30.0, HARNESS_SIDE: 40.0, OUTSIDE: 9.0}}
    result = {"achieved_rps": 1000.0, "target_rps": 1000.0}
    assert blame.blame(split, result, budget_ms=1.4).party == blame.APP
    slowdown = speed.factor(speed.BASELINE_S * 2)
    assert blame.blame(split, result, budget_ms=1.4 * slowdown).party == blame.MACHINE
