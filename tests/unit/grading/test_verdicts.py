"""Naming what happened to a submission: the limit, the rule, or the project's failure."""

from __future__ import annotations

import pytest

from harness.grading.verdicts import GRADED, Signals, name_verdict
from harness.limits import MB, Limits

LIMITS = Limits(memory_bytes=512 * MB, processes=128, cpu_time_s=120, log_bytes=1 * MB, file_size_bytes=64 * MB,
                wall_time_s=900, install_memory_bytes=2048 * MB)


@pytest.mark.parametrize(("signals", "text"), [
    (Signals(oom_kills={"run": 1}), "memory limit (512 MB) exceeded"),
    (Signals(oom_kills={"install": 1}), "install: memory limit (2 GB) exceeded"),
    (Signals(cpu_exceeded={"install": True}),
     "install: CPU time limit (10.0 min) exceeded (--limit install.cpu_time=20m or limits.install.cpu_time in the "
     "policy)"),
    (Signals(pids_max_hits={"run": 3}), "process limit (128) reached"),
    (Signals(oom_kills={"services": 1}), "services memory limit (2 GB) exceeded"),
    (Signals(cpu_exceeded={"run": True}),
     "CPU time limit (2.0 min) exceeded (--limit cpu_time=4m or limits.cpu_time in the policy)"),
    (Signals(log_limit=True), "log limit (1 MB) reached"),
    (Signals(file_size=True), "file size limit (64 MB) exceeded"),
    (Signals(wall_clock_exceeded=True),
     "wall-clock limit (15.0 min) exceeded (--limit wall_time=30m or limits.wall_time in the policy)"),
    (Signals(unroutable_attempts=4), "network access denied (only loopback to its own services is reachable)"),
    (Signals(foreign_ports=[9999, 8080, 9999]), "bound a port it was not given (8080, 9999)"),
    (Signals(database_denied="must be owner of database"), "database access denied (must be owner of database)"),
    (Signals(write_denied="read-only file system"), "write outside its folder denied"),
    (Signals(failed_phase="start"), "never ready"),
    (Signals(failed_phase="install"), "install failed"),
    (Signals(crashed_during="db.tx.loans_atomic", app_exit=3), "crashed during the checks (exit code 3)"),
    (Signals(empty=True), "empty submission: no files"),
    (Signals(no_project=True), "not a project: no harness.toml"),
    (Signals(config_error="is not valid TOML"), "invalid harness.toml: is not valid TOML"),
    (Signals(grader_error="PostgreSQL did not start"), "grader error: PostgreSQL did not start"),
    (Signals(interrupted=True), "interrupted before it finished: grade it again"),
])
def test_each_signal_is_named_with_its_limit(signals: Signals, text: str) -> None:
    assert name_verdict(signals, LIMITS).text == text


def test_nothing_happened_means_graded() -> None:
    assert name_verdict(Signals(), LIMITS) == GRADED


def test_the_limit_is_the_verdict_and_its_consequences_come_after() -> None:
    verdict = name_verdict(Signals(failed_phase="start", oom_kills={"run": 1}, unroutable_attempts=1), LIMITS)
    assert verdict.kind == "memory-limit" and verdict.category == "limit" and verdict.contained
    assert verdict.also == ("network access denied (only loopback to its own services is reachable)", "never ready")


def test_a_grader_error_comes_first() -> None:
    verdict = name_verdict(Signals(grader_error="x", oom_kills={"run": 1}), LIMITS)
    assert verdict.category == "grader" and not verdict.contained


def test_rules_before_project_failures() -> None:
    verdict = name_verdict(Signals(failed_phase="start", foreign_ports=[9999]), LIMITS)
    assert (verdict.kind, verdict.also) == ("port-not-given", ("never ready",))


def test_signals_round_trip_and_merge_what_the_worker_saw() -> None:
    outside = Signals(oom_kills={"run": 1})
    worker = Signals.from_json({**Signals(log_limit=True, crashed_during="x", app_exit=1).to_json(), "new": 1})
    outside.merge_worker(worker)
    assert outside.oom_kills == {"run": 1} and outside.log_limit and outside.app_exit == 1
