"""Runners: every job runs once, on its own greenlet, and finished runners are reused."""

from __future__ import annotations

import gevent  # type: ignore[import-untyped]  # gevent ships no type information
import gevent.event  # type: ignore[import-untyped]

from harness.load.runners import Runners


def test_jobs_run_side_by_side_and_parked_runners_take_the_next_ones() -> None:
    started: list[int] = []
    done: list[int] = []
    release = gevent.event.Event()
    all_started = gevent.event.Event()
    all_done = gevent.event.Event()
    expected = [5]

    def work(i: int) -> None:
        started.append(i)
        if len(started) == expected[0]:
            all_started.set()
        release.wait()  # a blocked job must not hold the others back
        done.append(i)
        if len(done) == expected[0]:
            all_done.set()

    runners = Runners(work)
    for i in range(5):
        runners.start(i)
    assert all_started.wait(timeout=10), started
    assert done == [] and runners.created == 5
    release.set()
    assert all_done.wait(timeout=10), done
    assert sorted(done) == [0, 1, 2, 3, 4]

    # The second round finds five parked runners: no new greenlet.
    started.clear()
    done.clear()
    all_started.clear()
    all_done.clear()
    expected[0] = 8
    for i in range(5, 13):
        runners.start(i)
    assert all_done.wait(timeout=10), done
    assert sorted(done) == list(range(5, 13))
    assert runners.created == 8  # three more than before: eight ran at once this time
