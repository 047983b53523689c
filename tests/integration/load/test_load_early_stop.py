"""The early stop: a run whose threshold can no longer pass ends there, says why, and fails as a whole run would.

The target answers every request after 400 ms (``/sleep/400``, without blocking its loop),
so every request misses ``p95<100ms``: once more than 5% of the planned requests have been
in flight for 100 ms since they were due, nothing still to come can bring the p95 under
100 ms. The whole schedule (--no-early-stop) gives the same verdict on the same threshold.
"""

from __future__ import annotations

from pathlib import Path

from .bench_helpers import bench
from .conftest import StartTarget

RATE, DURATION = 200, 8


def test_a_run_that_can_no_longer_pass_stops_early_with_the_same_verdict(
    tmp_path: Path, start_target: StartTarget
) -> None:
    url = start_target() + "/sleep/400"
    args = ("--rate", str(RATE), "--duration", f"{DURATION}s", "--threshold", "p95<100ms",
            "--threshold", "errors<1%", "--max-lag", "50ms", "--quiet")
    early = bench(tmp_path / "early", url, *args)
    result = early.result
    stopped = result.get("stopped_early")
    assert stopped is not None, early.explain()
    assert stopped["because"].startswith("p95<100ms can no longer pass: "), stopped
    assert "planned requests already took 100 ms or more" in stopped["because"]
    # It ended its schedule and abandoned what was in flight (each request takes 400 ms).
    assert stopped["at_s"] < DURATION, stopped
    assert stopped["abandoned_in_flight"] > 0, stopped
    assert result["timeline"][-1]["second"] < DURATION - 1, result["timeline"]
    assert result["verdict"] == "fail", early.explain()
    assert early.code == 1
    assert [(t["expression"], t["passed"]) for t in result["thresholds"]] == [("p95<100ms", False),
                                                                            ("errors<1%", True)]
    assert result["thresholds"][0]["settled"].startswith(stopped["because"])
    assert "stopped     early, at" in early.stdout

    whole = bench(tmp_path / "whole", url, *args, "--no-early-stop")
    assert "stopped_early" not in whole.result, whole.explain()
    assert whole.result["verdict"] == "fail", whole.explain()
    assert [(t["expression"], t["passed"]) for t in whole.result["thresholds"]] == \
        [("p95<100ms", False), ("errors<1%", True)]
    assert whole.result["requests"] > result["requests"]
