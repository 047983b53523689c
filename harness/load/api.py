"""Load testing from Python, for checks (e.g. the production check's "1000 rps held").

    from harness.load.api import bench
    result = bench("http://127.0.0.1:8080", rate=1000, duration="30s", ramp_up="5s",
                   thresholds=["rps>=970", "p95<200ms", "errors<1%"])
    result["verdict"]          # "pass" | "fail" | "inconclusive"
    result["verdict_reasons"]  # what to show the learner

It goes through the same validation as `harness bench`, so a bad argument raises
``UsageError`` (its message names the option), and a generator that could not run
raises ``LoadError``. An "inconclusive" verdict must never be reported as the app's
failure: it means the generator could not keep up.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from harness.load.cli import (
    UsageError,
    add_bench_arguments,
    check_reachable,
    configure,
    execute,
)
from harness.load.engine import LoadError

__all__ = ["LoadError", "UsageError", "bench"]


def bench(
    url: str,
    *,
    rate: float,
    duration: str = "60s",
    ramp_up: str = "0s",
    thresholds: Sequence[str] = (),
    scenario: Path | None = None,
    model: str = "open",
    workers: int = 1,
    max_lag: str = "10ms",
    progress: IO[str] | None = None,
    more_urls: Sequence[str] = (),
    early_stop: bool = True,
) -> dict[str, Any]:
    """Run a load test and return the result document (see docs/bench.md).

    ``more_urls``: other instances of the same stateless app; the open model sends every
    n-th request to each (round-robin per request, a connection pool per instance).
    ``early_stop``: end the run once a threshold can no longer pass (``result["stopped_early"]``
    says when and why; the verdict is the one the whole run would give)."""
    argv = [url, *more_urls, "--rate", repr(float(rate)), "--duration", duration, "--ramp-up", ramp_up,
            "--model", model, "--workers", str(workers), "--max-lag", max_lag]
    for threshold in thresholds:
        argv += ["--threshold", threshold]
    if scenario is not None:
        argv += ["--scenario", str(scenario)]
    if progress is None:
        argv.append("--quiet")
    if not early_stop:
        argv.append("--no-early-stop")
    parser = argparse.ArgumentParser(prog="harness bench", add_help=False)
    add_bench_arguments(parser)
    config = configure(parser.parse_args(argv))
    check_reachable(config.spec)
    return execute(config, progress if progress is not None else io.StringIO())
