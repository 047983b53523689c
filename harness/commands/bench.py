"""`harness bench URL`: an open-model load test for any HTTP API (see docs/bench.md)."""

from __future__ import annotations

from typing import Any


def add_parser(sub: Any) -> None:
    # Imported here: the load package is only needed by this command.
    from harness.load.cli import add_bench_arguments, run_bench

    parser = sub.add_parser(
        "bench", help="load-test an API at a fixed request rate (open model) with thresholds",
        description="Send requests on a schedule, measure latency from the intended send time, and judge "
                    "thresholds; an overloaded generator gives 'inconclusive', never 'fail'.")
    add_bench_arguments(parser)
    parser.set_defaults(handler=run_bench)
