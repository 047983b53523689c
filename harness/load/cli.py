"""The bench's options, their validation and the run, for ``harness bench``
(harness/commands/bench.py: the reports and the exit code) and the load API (api.py).

Exit codes (the project's enum): 0 pass, 1 a threshold missed, a regression, or an
*inconclusive* run (printed loudly, ``"verdict": "inconclusive"`` in the JSON), 2
interrupted, 3 the generator itself crashed, 4 usage or configuration error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from harness.load import cpusplit
from harness.load.baseline import BaselineError, apply_baseline, load_baseline
from harness.load.engine import LoadRun
from harness.load.recorder import Partial
from harness.load.result import Limits, build_result, rejudge
from harness.load.scenario import Scenario, ScenarioError, load_scenario, scenario_for_url
from harness.load.schedule import Schedule
from harness.load.settle import EarlyStop, watches
from harness.load.spec import RunSpec
from harness.load.terminal import ProgressPrinter
from harness.load.thresholds import Kind, Threshold, ThresholdError, parse_threshold
from harness.load.units import UnitError, parse_duration, parse_percent, parse_rate

EXIT_PASS, EXIT_FAIL, EXIT_INTERRUPTED, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2, 3, 4


class UsageError(ValueError):
    """Bad arguments; the message names the option."""


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    # Plain strings everywhere: run_bench validates them so that a mistake is reported
    # as `harness: error: --option: ...` with exit code 4, not as argparse's exit 2.
    parser.add_argument("url", metavar="URL",
                        help="base URL of the app, e.g. http://127.0.0.1:8080")
    parser.add_argument("more_urls", nargs="*", default=[], metavar="URL",
                        help="open model: more instances of the same stateless app; the generator "
                             "sends them every n-th request in turn (no balancer on the measured path)")
    parser.add_argument("--scenario", metavar="FILE",
                        help="TOML scenario (routes, weights, bodies, headers) or a Locust "
                             "file (.py, runs Locust's closed model); default: GET URL")
    parser.add_argument("--rate", metavar="REQ/S", help="target request rate, e.g. 1000")
    parser.add_argument("--duration", default="60s", metavar="DURATION",
                        help="whole run including ramp-up (default 60s)")
    parser.add_argument("--ramp-up", default="0s", metavar="DURATION",
                        help="linear ramp from 0 to --rate; not part of the summary (default 0s)")
    parser.add_argument("--threshold", action="append", default=[], metavar="EXPR",
                        help="e.g. 'p95<200ms', 'rps>=990', 'errors<1%%', 'max<2s' (repeatable)")
    parser.add_argument("--json", metavar="FILE", help="write the result JSON here")
    parser.add_argument("--html", metavar="FILE", help="write the self-contained HTML report")
    parser.add_argument("--baseline", metavar="FILE",
                        help="a previous run's --json to compare with")
    parser.add_argument("--tolerance", default="10%", metavar="PERCENT",
                        help="allowed worsening against --baseline (default 10%%)")
    parser.add_argument("--model", choices=("open", "closed", "both"), default=None,
                        help="open: send on a schedule, latency from the intended send "
                             "(default); closed: Locust users; both: open, then closed")
    parser.add_argument("--workers", default="1", metavar="N",
                        help="generator processes (open: the rate is split; closed: N > 1 "
                             "starts a Locust master and N workers)")
    parser.add_argument("--timeout", default="10s", metavar="DURATION",
                        help="per request connect/read timeout (default 10s)")
    parser.add_argument("--max-connections", default="2000", metavar="N",
                        help="open model: keep-alive connections per worker (default 2000)")
    parser.add_argument("--max-lag", default="10ms", metavar="DURATION",
                        help="open model: schedule lag p99 above this makes the run "
                             "inconclusive (default 10ms)")
    parser.add_argument("--users", metavar="N", help="closed model: Locust users "
                        "(default: rate / per-user rate)")
    parser.add_argument("--per-user-rate", default="10", metavar="REQ/S",
                        help="closed model: requests per second of one user (default 10)")
    parser.add_argument("--wait", choices=("poisson", "constant"), default="poisson",
                        help="closed model: Locust wait_time, poisson() or constant_throughput()")
    parser.add_argument("--remote-workers", default="0", metavar="N",
                        help="closed model: also wait for N Locust workers started on other "
                             "machines (docs/bench.md)")
    parser.add_argument("--master-bind", metavar="HOST:PORT",
                        help="closed model, distributed: where the Locust master listens")
    parser.add_argument("--seed", default="0", metavar="N", help="route choice seed")
    parser.add_argument("--no-early-stop", action="store_true",
                        help="open model: run the whole schedule even once a threshold can no longer pass "
                             "(by default the run stops there, says why, and the verdict is the same)")
    parser.add_argument("--quiet", action="store_true", help="no live progress")


@dataclass(frozen=True)
class BenchConfig:
    spec: RunSpec
    model: str  # open | closed | both
    workers: int
    remote_workers: int
    master_bind: str | None
    thresholds: list[Threshold]
    limits: Limits
    json_path: Path | None
    html_path: Path | None
    baseline_path: Path | None
    baseline: dict[str, Any] | None
    tolerance: float
    quiet: bool
    warnings: list[str]
    early_stop: bool = True


def _int(option: str, text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a whole number") from None
    if value < minimum:
        raise UsageError(f"{option}: must be at least {minimum}, got {value}")
    return value


def _parsed(option: str, func: Any, text: str) -> Any:
    try:
        return func(text)
    except UnitError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _scenario(args: argparse.Namespace) -> Scenario:
    if not args.scenario:
        return scenario_for_url(args.url)
    try:
        scenario = load_scenario(Path(args.scenario))
    except ScenarioError as exc:
        raise UsageError(f"--scenario {exc}") from None
    if scenario.locustfile is not None:
        try:
            compile(scenario.locustfile.read_text(encoding="utf-8"), str(scenario.locustfile),
                    "exec")
        except SyntaxError as exc:
            raise UsageError(f"--scenario {args.scenario}: line {exc.lineno}: {exc.msg}") from None
    return scenario


def configure(args: argparse.Namespace) -> BenchConfig:
    url = urlsplit(args.url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise UsageError(f"URL: {args.url!r} is not an http(s) URL "
                         "(example: http://127.0.0.1:8080)")
    if args.rate is None:
        raise UsageError("--rate: required, the request rate to hold (e.g. --rate 1000)")
    rate = _parsed("--rate", parse_rate, args.rate)
    duration = _parsed("--duration", parse_duration, args.duration)
    ramp_up = _parsed("--ramp-up", parse_duration, args.ramp_up)
    if duration <= 0:
        raise UsageError("--duration: must be longer than 0s")
    if ramp_up >= duration:
        raise UsageError(f"--ramp-up: {args.ramp_up} leaves nothing of --duration "
                         f"{args.duration} to measure; make it shorter than the duration")
    more = _more_targets(args, url.path)
    scenario = _scenario(args)
    model = args.model or ("closed" if scenario.locustfile else "open")
    if more and model != "open":
        raise UsageError(f"URL: several URLs are for the open model only (--model {model} sends to the first); "
                         "put a balancer in front of the instances for Locust")
    if scenario.locustfile is not None and model != "closed":
        raise UsageError(f"--model {model}: a Locust file runs Locust's closed model only; "
                         "describe the routes in a TOML scenario for the open model")
    thresholds = []
    for text in args.threshold:
        try:
            thresholds.append(parse_threshold(text))
        except ThresholdError as exc:
            raise UsageError(f"--threshold: {exc}") from None
    warnings = [
        f"'{t.source}' asks for the full target rate: the achieved rate counts completions "
        f"and varies by about 1%; use e.g. 'rps>={rate * 0.98:g}'"
        for t in thresholds if t.kind is Kind.RATE and t.op in (">=", ">") and t.limit > 0.99 * rate
    ]
    tolerance = _parsed("--tolerance", parse_percent, args.tolerance)
    baseline = None
    if args.baseline:
        try:
            baseline = load_baseline(Path(args.baseline))
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
    base_path = (url.path or "").rstrip("/")
    routes = tuple(replace(r, path=base_path + r.path) for r in scenario.routes) \
        if args.scenario else scenario.routes
    timeout = _parsed("--timeout", parse_duration, args.timeout)
    users = _int("--users", args.users, 1) if args.users else None
    per_user_rate = _parsed("--per-user-rate", parse_rate, args.per_user_rate)
    spec = RunSpec(
        target=f"{url.scheme}://{url.netloc}", rate=rate, duration=duration, ramp_up=ramp_up,
        model="closed" if model == "closed" else "open", routes=routes,
        locustfile=str(scenario.locustfile) if scenario.locustfile else None, timeout=timeout,
        max_connections=_int("--max-connections", args.max_connections, 1), users=users,
        per_user_rate=per_user_rate, wait=args.wait, seed=_int("--seed", args.seed, 0),
        more_targets=more,
    )
    max_lag = _parsed("--max-lag", parse_duration, args.max_lag)
    return BenchConfig(
        spec=spec, model=model, workers=_int("--workers", args.workers, 1),
        remote_workers=_int("--remote-workers", args.remote_workers, 0),
        master_bind=args.master_bind, thresholds=thresholds,
        limits=Limits(max_lag_p99_ms=max_lag * 1000.0),
        json_path=Path(args.json) if args.json else None,
        html_path=Path(args.html) if args.html else None,
        baseline_path=Path(args.baseline) if args.baseline else None, baseline=baseline,
        tolerance=tolerance, quiet=bool(args.quiet), warnings=warnings,
        early_stop=not getattr(args, "no_early_stop", False),
    )


def _more_targets(args: argparse.Namespace, path: str) -> tuple[str, ...]:
    """The other instances' base URLs: http(s), each with the first URL's path."""
    found = []
    for text in getattr(args, "more_urls", None) or []:
        url = urlsplit(text)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise UsageError(f"URL: {text!r} is not an http(s) URL (example: http://127.0.0.1:8081)")
        if url.path.rstrip("/") != path.rstrip("/"):
            raise UsageError(f"URL: {text!r} has another path than {args.url!r}: the instances of one app "
                             "serve the same routes, so give them the same path")
        found.append(f"{url.scheme}://{url.netloc}")
    return tuple(found)


def check_reachable(spec: RunSpec) -> None:
    for target in spec.targets:
        url = urlsplit(target)
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            with socket.create_connection((url.hostname or "", port), timeout=3.0):
                pass
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise UsageError(f"URL: nothing answers at {url.hostname}:{port} ({reason}); start the "
                             "app first, or check the URL") from None


def _run_model(config: BenchConfig, spec: RunSpec, label: str, err: IO[str]) -> tuple[Partial, dict[str, Any] | None]:
    """The run's measurements, and where the machine's CPU went during its steady window."""
    printer = None if config.quiet else ProgressPrinter(err, label=label)
    run = LoadRun(spec, workers=config.workers,
                  distributed=spec.model == "closed" and config.workers > 1,
                  remote_workers=config.remote_workers if spec.model == "closed" else 0,
                  master_bind=config.master_bind, on_tick=printer, early_stop=_early_stop(config, spec))
    try:
        part = run.run()
    finally:
        if printer is not None:
            printer.finish()
    window = run.cpu_window
    return part, (cpusplit.split(*window) if window is not None else None)


def _early_stop(config: BenchConfig, spec: RunSpec) -> EarlyStop | None:
    """The settling rule for this run (settle.py), or None: closed model, no rule, or --no-early-stop."""
    found = watches(config.thresholds)
    if not config.early_stop or spec.model != "open" or not found:
        return None
    schedule = Schedule(spec.rate, spec.duration, spec.ramp_up)
    return EarlyStop(found, planned=schedule.total - schedule.first_steady_index,
                     max_lag_p99_ms=config.limits.max_lag_p99_ms, max_cpu_percent=config.limits.max_cpu_percent)


def execute(config: BenchConfig, err: IO[str]) -> dict[str, Any]:
    """Run the load (both models if asked) and return the judged result document."""
    started = dt.datetime.now(dt.UTC)
    closed: tuple[RunSpec, Partial] | None = None
    if config.model == "closed":
        main_spec = config.spec
        main, cpu = _run_model(config, main_spec, "[closed] ", err)
    else:
        main_spec = replace(config.spec, model="open")
        main, cpu = _run_model(config, main_spec, "[open] " if config.model == "both" else "", err)
        if config.model == "both":
            closed_spec = replace(config.spec, model="closed")
            closed = (closed_spec, _run_model(config, closed_spec, "[closed] ", err)[0])
    result = build_result(main_spec, main, thresholds=config.thresholds, limits=config.limits,
                          workers=config.workers, closed=closed, started_at=started)
    if len(main_spec.targets) > 1:
        result["targets"] = list(main_spec.targets)
    if cpu is not None:
        result["cpu_split"] = cpu
        cpu["harness_percent_of_machine"] = round(cpu["sides"][cpusplit.HARNESS_SIDE] / cpu["cores"], 1)
    if config.baseline is not None and config.baseline_path is not None:
        _, found = apply_baseline(result, config.baseline, config.baseline_path,
                                  config.tolerance)
        rejudge(result, config.thresholds, found)
    return result
