"""The arrival schedule: constant rate, linear ramp, and the split across workers."""

from __future__ import annotations

import pytest

from harness.load.schedule import Schedule


def test_constant_rate_is_evenly_spaced() -> None:
    schedule = Schedule(rate=1000, duration=2)
    assert schedule.total == 2000
    assert schedule.intended(0) == 0.0
    assert schedule.intended(1) == pytest.approx(0.001)
    assert schedule.intended(1999) == pytest.approx(1.999)


def test_ramp_up_is_linear_and_then_constant() -> None:
    schedule = Schedule(rate=100, duration=10, ramp_up=4)
    # 100/s ramped over 4 s: 200 requests in the ramp, then 100/s for 6 s.
    assert schedule.total == 200 + 600
    times = [schedule.intended(i) for i in range(schedule.total)]
    assert times == sorted(times)
    for i in (1, 50, 199, 200, 201, 799):
        assert schedule.due_by(schedule.intended(i)) == pytest.approx(i)
    assert schedule.intended(200) == pytest.approx(4.0)
    assert schedule.rate_at(1.0) == pytest.approx(25.0)
    assert schedule.rate_at(5.0) == 100.0


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_workers_together_send_exactly_the_single_schedule(workers: int) -> None:
    schedule = Schedule(rate=333, duration=3, ramp_up=1)
    combined = sorted(
        pair for w in range(workers) for pair in schedule.for_worker(w, workers)
    )
    assert combined == [(i, schedule.intended(i)) for i in range(schedule.total)]


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        Schedule(rate=0, duration=1)
    with pytest.raises(ValueError):
        Schedule(rate=1, duration=1, ramp_up=2)
    with pytest.raises(ValueError):
        list(Schedule(rate=1, duration=1).for_worker(2, 2))


@pytest.mark.parametrize(("rate", "duration", "ramp_up"), [(333, 3, 1), (10, 1, 0), (7, 2, 2)])
@pytest.mark.parametrize("workers", [1, 2, 5])
def test_counts_without_listing(rate: float, duration: float, ramp_up: float,
                                workers: int) -> None:
    schedule = Schedule(rate=rate, duration=duration, ramp_up=ramp_up)
    first = schedule.first_steady_index
    assert schedule.intended(first) >= ramp_up
    if first > 0:
        assert schedule.intended(first - 1) < ramp_up
    for worker in range(workers):
        listed = list(schedule.for_worker(worker, workers))
        assert schedule.count_for_worker(worker, workers) == len(listed)
        steady = [i for i, offset in listed if offset >= ramp_up]
        assert schedule.count_for_worker(worker, workers, first=first) == len(steady)
