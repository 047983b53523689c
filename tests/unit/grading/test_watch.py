"""The watch from outside: a limit hit kills the phase's group (or the uid's processes when
there are no cgroups) and becomes a signal."""

from __future__ import annotations

import pytest

from harness.grading import watch as watchmod
from harness.grading.cgroups import Usage
from harness.grading.verdicts import Signals
from harness.grading.watch import UidUsage, Watch
from harness.limits import MB, Limits

LIMITS = Limits(memory_bytes=256 * MB, processes=64, cpu_time_s=5.0, install_cpu_time_s=60.0)


class FakeGroup:
    def __init__(self, usage: Usage) -> None:
        self._usage = usage
        self.killed = 0

    def usage(self) -> Usage:
        return self._usage

    def pids(self) -> set[int]:
        return {1234}

    def kill(self) -> bool:
        self.killed += 1
        return True


@pytest.mark.parametrize(("usage", "field"), [(Usage(oom_kills=1), "oom_kills"),
                                              (Usage(pids_max_hits=2), "pids_max_hits"),
                                              (Usage(cpu_s=5.5), "cpu_exceeded")])
def test_a_limit_hit_in_a_phase_kills_that_phase(usage: Usage, field: str) -> None:
    run, install = FakeGroup(usage), FakeGroup(Usage(cpu_s=5.5))
    signals = Signals()
    Watch(LIMITS, signals, 1790001, groups={"run": run, "install": install}).poll()  # type: ignore[dict-item]
    assert run.killed == 1 and install.killed == 0, "install has its own, larger CPU budget"
    assert getattr(signals, field)["run"]


def test_within_limits_nothing_happens() -> None:
    run = FakeGroup(Usage(cpu_s=1.0, memory_peak_bytes=100 * MB))
    signals = Signals()
    watch = Watch(LIMITS, signals, 1790001, groups={"run": run})  # type: ignore[dict-item]
    watch.poll()
    watch.finish()
    assert run.killed == 0 and signals == Signals() and watch.usage["run"].cpu_s == 1.0


@pytest.mark.parametrize(("usage", "field"), [(UidUsage(memory_bytes=300 * MB), "oom_kills"),
                                              (UidUsage(processes=64), "pids_max_hits"),
                                              (UidUsage(cpu_s=6.0), "cpu_exceeded")])
def test_without_cgroups_the_uid_is_watched_and_killed(monkeypatch: pytest.MonkeyPatch, usage: UidUsage,
                                                       field: str) -> None:
    killed: list[int] = []
    monkeypatch.setattr(watchmod, "uid_usage", lambda uid: usage)
    monkeypatch.setattr(watchmod, "kill_uid", killed.append)
    signals = Signals()
    Watch(LIMITS, signals, 1790002).poll()
    assert killed == [1790002] and getattr(signals, field)["run"]
