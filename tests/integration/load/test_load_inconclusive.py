"""A generator that cannot keep up makes the run inconclusive, never a failure of the app."""

from __future__ import annotations

from pathlib import Path

from .bench_helpers import bench
from .conftest import StartTarget


def test_an_absurd_rate_is_inconclusive_not_a_failure(
    tmp_path: Path, start_target: StartTarget
) -> None:
    url = start_target()
    # 60 000 req/s from one process: the generator tops out around 26 k/s on a core of its own
    # here (bench/load_bench.py), so it must notice that it is the bottleneck. The
    # threshold would fail if the verdict were allowed to blame the target.
    run = bench(tmp_path, url, "--rate", "60000", "--duration", "2s", "--timeout", "3s",
                "--threshold", "rps>=50000", "--quiet")
    result = run.result
    assert result["verdict"] == "inconclusive", run.explain()
    assert run.code == 1
    reasons = " ".join(result["verdict_reasons"])
    assert "the load generator, not your app" in reasons
    assert result["thresholds"][0]["passed"] is False
    assert "INCONCLUSIVE" in run.stdout
    assert "it is not a failure of the target" in run.stdout
    assert result["generator"]["problems"] == result["verdict_reasons"]
