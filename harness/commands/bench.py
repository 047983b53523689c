"""`harness bench URL`: an open-model load test for any HTTP API (see docs/bench.md).

Exit codes (the project's enum): 0 pass, 1 a threshold missed, a regression, or an
*inconclusive* run (printed loudly, ``"verdict": "inconclusive"`` in the JSON), 2
interrupted, 3 the generator itself crashed, 4 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO, Any

from harness.load.baseline import compare, render_table
from harness.load.cli import (
    EXIT_FAIL,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_PASS,
    EXIT_USAGE,
    BenchConfig,
    UsageError,
    add_bench_arguments,
    check_reachable,
    configure,
    execute,
)
from harness.load.engine import LoadError
from harness.load.report import render_html
from harness.load.result import FAIL, INCONCLUSIVE, PASS, SCHEMA
from harness.load.terminal import render_summary


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "bench", help="load-test an API at a fixed request rate (open model) with thresholds",
        description="Send requests on a schedule, measure latency from the intended send time, and judge "
                    "thresholds; an overloaded generator gives 'inconclusive', never 'fail'.")
    add_bench_arguments(parser)
    parser.set_defaults(handler=run_bench)


def _write(path: Path, text: str, option: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot write ({exc.strerror or exc})") from None


def run_bench(args: argparse.Namespace, out: IO[str] | None = None,
              err: IO[str] | None = None) -> int:
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    config: BenchConfig | None = None
    try:
        config = configure(args)
        for warning in config.warnings:
            err.write(f"harness: warning: --threshold {warning}\n")
        check_reachable(config.spec)
        result = execute(config, err)
    except UsageError as exc:
        err.write(f"harness: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("\nharness: interrupted; the load generator was stopped\n")
        return EXIT_INTERRUPTED
    except LoadError as exc:
        if exc.usage:
            err.write(f"harness: error: --scenario {exc}\n")
            return EXIT_USAGE
        err.write(f"harness: error: {exc}\n")
        if config is not None and config.json_path is not None:
            crash = {"schema": SCHEMA, "target": config.spec.target, "verdict": "error",
                     "verdict_reasons": [str(exc)]}
            _write(config.json_path, json.dumps(crash, indent=2), "--json")
        return EXIT_INTERNAL
    try:
        if config.json_path is not None:
            _write(config.json_path, json.dumps(result, indent=2), "--json")
        if config.html_path is not None:
            _write(config.html_path, render_html(result), "--html")
    except UsageError as exc:
        err.write(f"harness: error: {exc}\n")
        return EXIT_USAGE
    out.write(render_summary(result) + "\n")
    if "baseline" in result and config.baseline is not None:
        out.write(f"\ncompared with {config.baseline_path}:\n")
        out.write(render_table(compare(config.baseline, result, config.tolerance)) + "\n")
        for note in result["baseline"]["notes"]:
            out.write(f"  note: {note}\n")
    out.flush()
    status = result["verdict"]
    if status == PASS:
        return EXIT_PASS
    assert status in (FAIL, INCONCLUSIVE)
    return EXIT_FAIL
