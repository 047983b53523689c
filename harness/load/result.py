"""From merged measurements to the result JSON: summary, verdict and its reasons.

Names, so that nobody confuses them (docs/bench.md repeats this):
* ``p50_ms`` ... ``max_ms``: latency. Open model: from the *intended* send time, so a
  server stall is in it. Closed model: Locust's figure, from the actual send.
* ``service_p50_ms`` ...: from the *actual* send (what a closed-model tool reports).
* ``closed_p50_ms`` ...: the figures of Locust's own closed-model run (``--model both``).
* ``schedule_lag_*_ms``: actual send - intended send: the generator's own tardiness.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from harness.load.histogram import Histogram
from harness.load.recorder import Partial
from harness.load.schedule import Schedule
from harness.load.spec import RunSpec
from harness.load.thresholds import Kind, Threshold, ThresholdOutcome, evaluate

SCHEMA = "harness.bench/1"
PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
NOT_YOUR_APP = "the load generator, not your app"
_LATENCY_QS = (("p50", 50.0), ("p75", 75.0), ("p90", 90.0), ("p95", 95.0), ("p99", 99.0),
               ("p999", 99.9))


@dataclass(frozen=True)
class Limits:
    """When the generator's own figures make a run inconclusive."""

    max_lag_p99_ms: float = 10.0
    min_send_ratio: float = 0.97
    max_cpu_percent: float = 90.0  # of one core, per generator process

    def to_json(self) -> dict[str, float]:
        return {"max_schedule_lag_p99_ms": self.max_lag_p99_ms,
                "min_send_ratio": self.min_send_ratio,
                "max_cpu_percent_of_a_core": self.max_cpu_percent}


@dataclass
class Verdict:
    status: str
    reasons: list[str] = field(default_factory=list)


def _r(value: float, digits: int = 3) -> float:
    return round(value, digits)


def latency_figures(hist: Histogram, prefix: str = "") -> dict[str, float | None]:
    if hist.count == 0:
        return {f"{prefix}{name}_ms": None for name in
                [n for n, _ in _LATENCY_QS] + ["max", "mean", "min"]}
    figures: dict[str, float | None] = {
        f"{prefix}{name}_ms": _r(hist.percentile_ms(q)) for name, q in _LATENCY_QS
    }
    figures[f"{prefix}max_ms"] = _r(hist.max_ms)
    figures[f"{prefix}mean_ms"] = _r(hist.mean_ms)
    figures[f"{prefix}min_ms"] = _r(hist.min_us / 1000.0)
    return figures


def summarize(spec: RunSpec, part: Partial) -> dict[str, Any]:
    """The flat figures of one run (no verdict yet)."""
    window = max(part.steady_end - part.steady_start, 1e-9)
    procs = part.processes
    cpu_max = max((float(p.get("cpu_percent", 0.0)) for p in procs), default=0.0)
    summary: dict[str, Any] = {
        "model": part.model,
        "latency_measured_from": "intended send" if part.model == "open" else "actual send",
        "target_rps": spec.rate,
        "achieved_rps": _r(part.completed_steady / window, 1),
        "send_rps": _r(part.dispatched_steady / window, 1),
        "requests": part.requests,
        "errors": part.errors,
        "error_rate": _r(part.errors / part.requests, 6) if part.requests else 0.0,
        "dropped": part.dropped,
    }
    summary.update(latency_figures(part.latency))
    service = latency_figures(part.service, "service_")
    summary.update({k: v for k, v in service.items() if not k.endswith(("p75_ms", "min_ms"))})
    lag = part.lag
    summary.update({
        "generator_cpu_percent": _r(cpu_max, 1),
        "generator_cpu_total_percent": _r(100.0 * part.cpu_seconds / part.wall_seconds, 1)
        if part.wall_seconds else 0.0,
        "schedule_lag_p50_ms": _r(lag.percentile_ms(50)) if lag.count else None,
        "schedule_lag_p99_ms": _r(lag.percentile_ms(99)) if lag.count else None,
        "schedule_lag_max_ms": _r(lag.max_ms) if lag.count else None,
    })
    return summary


# A miss the generator's trouble cannot explain (beyond_the_generator): errors at ten times
# their limit, latency from the actual send at four times its limit plus the worst lag.
CLEAR_MISS_ERRORS = 10.0
CLEAR_MISS_LATENCY = 4.0
# How an error kind that happened on the generator's side (not the app's) is labelled.
GENERATOR_SIDE = "(generator)"


def generator_problems(summary: Mapping[str, Any], part: Partial, limits: Limits) -> list[str]:
    """Why the generator's figures cannot be trusted (empty: they can)."""
    problems = []
    target = float(summary["target_rps"])
    lag_p99 = summary.get("schedule_lag_p99_ms")
    if part.model == "open":
        if lag_p99 is not None and lag_p99 > limits.max_lag_p99_ms:
            problems.append(
                f"the generator fell behind its schedule: schedule lag p99 {lag_p99:.1f} ms "
                f"> {limits.max_lag_p99_ms:g} ms, so latencies include its own delay "
                f"({NOT_YOUR_APP})")
        sent = float(summary["send_rps"])
        if sent < limits.min_send_ratio * target:
            problems.append(
                f"the generator sent {sent:.0f} req/s of the {target:g} asked "
                f"({100 * sent / target:.0f}% < {100 * limits.min_send_ratio:.0f}%); "
                f"achieved {summary['achieved_rps']:.0f} req/s ({NOT_YOUR_APP})")
    else:
        achieved = float(summary["achieved_rps"])
        if achieved < limits.min_send_ratio * target:
            problems.append(
                f"Locust's users reached {achieved:.0f} req/s of the {target:g} asked "
                f"({100 * achieved / target:.0f}%): in a closed model a slow server holds the "
                "users back as much as a slow generator does, so this run cannot tell which; "
                "rerun with --model open")
    for proc in part.processes:
        cpu = float(proc.get("cpu_percent", 0.0))
        if cpu > limits.max_cpu_percent:
            problems.append(
                f"the generator ({proc.get('role', 'process')}) used {cpu:.0f}% of a core "
                f"(limit {limits.max_cpu_percent:g}%): it was saturated; add --workers or "
                f"lower --rate ({NOT_YOUR_APP})")
    own = {k: n for k, n in part.errors_by_kind.items() if k.endswith(GENERATOR_SIDE)}
    for kind, n in own.items():
        problems.append(f"{n} requests failed on the generator's side: {kind} ({NOT_YOUR_APP})")
    return problems


def can_flatter(summary: Mapping[str, Any], part: Partial, limits: Limits) -> bool:
    """Whether the generator's trouble could make the app look better than it is.

    A lagging or busy generator sends late, and an open model counts each request from when
    it was due: its delays are added to the app's latency, never taken off. Held thresholds
    therefore stand despite them. What can flatter: a rate that was not sent (the app served
    fewer requests than asked), a closed model short of its rate, and requests that failed on
    the generator's side (unmeasured)."""
    if part.model != "open":
        return float(summary["achieved_rps"]) < limits.min_send_ratio * float(summary["target_rps"])
    if float(summary["send_rps"]) < limits.min_send_ratio * float(summary["target_rps"]):
        return True
    return any(kind.endswith(GENERATOR_SIDE) for kind in part.errors_by_kind)


def beyond_the_generator(outcomes: Sequence[ThresholdOutcome], result: Mapping[str, Any], *,
                         generator_errors: bool) -> list[str]:
    """Missed thresholds that a generator in trouble cannot explain: the app's own failure.

    A generator that lags or runs out of CPU delays requests and reads, and sends fewer, so
    its figures make a missed rate or a narrowly missed threshold unclear. A clear miss is
    not its doing: an error rate many times its limit when no error came from the
    generator's side, or a time from each request's actual send to its answer (service time)
    several times the latency limit even less the generator's worst schedule lag (a loop
    that lags sends also reads late, by about as much).
    """
    lag_max = float(result.get("schedule_lag_max_ms") or 0.0)
    found = []
    for outcome in outcomes:
        threshold = outcome.threshold
        if outcome.passed or outcome.actual is None or threshold.op not in ("<", "<="):
            continue
        if threshold.kind is Kind.RATIO and threshold.result_key == "error_rate":
            if not generator_errors and outcome.actual > CLEAR_MISS_ERRORS * threshold.limit:
                found.append(f"{_show(outcome)} of the requests failed on the app's side "
                             f"(limit {threshold.describe_limit()})")
        elif threshold.kind is Kind.LATENCY:
            service = result.get(f"service_{threshold.result_key}")
            if service is not None and float(service) - lag_max > CLEAR_MISS_LATENCY * threshold.limit:
                found.append(f"{threshold.result_key} from each request's actual send was {float(service):.1f} ms, "
                             f"{CLEAR_MISS_LATENCY:g} times the limit ({threshold.describe_limit()}) and more even "
                             f"less the generator's worst schedule lag ({lag_max:.1f} ms)")
    return found


def judge(problems: Sequence[str], outcomes: Sequence[ThresholdOutcome],
          regressions: Sequence[str], *, beyond: Sequence[str] = (), flattering: bool = True) -> Verdict:
    if problems and beyond:
        # The app failed whatever the generator's trouble: a failure, its doubts said too.
        return Verdict(FAIL, [*beyond, *(f"also: {p}" for p in problems)])
    if problems and not flattering and outcomes and all(o.passed for o in outcomes) and not regressions:
        # Held although the generator's own delays were counted against the app: a pass.
        return Verdict(PASS, [f"all {len(outcomes)} thresholds held, although the generator's own delays were "
                              "counted against the app", *(f"also: {p}" for p in problems)])
    if problems:
        return Verdict(INCONCLUSIVE, list(problems))
    reasons = [
        f"threshold {o.threshold.source} missed: {o.settled}" if o.settled else
        f"threshold {o.threshold.source} missed: {o.threshold.metric} was "
        f"{'unmeasured' if o.actual is None else _show(o)}, needs {o.threshold.describe_limit()}"
        for o in outcomes if not o.passed
    ]
    reasons += [f"regression: {r}" for r in regressions]
    if reasons:
        return Verdict(FAIL, reasons)
    held = f"all {len(outcomes)} thresholds held" if outcomes else "no thresholds were given"
    return Verdict(PASS, [held])


def _show(outcome: ThresholdOutcome) -> str:
    assert outcome.actual is not None
    kind = outcome.threshold.kind.value
    if kind == "ratio":
        return f"{outcome.actual * 100:.2f}%"
    if kind == "latency":
        return f"{outcome.actual:.1f} ms"
    return f"{outcome.actual:.1f} req/s"


def stopped_early(part: Partial) -> dict[str, Any] | None:
    """The result's ``stopped_early``: when the run ended its schedule early and why (settle.py)."""
    if part.stopped_at is None:
        return None
    because = part.stop_reason or "its verdict was settled"
    return {"at_s": _r(part.stopped_at, 1), "because": because, "abandoned_in_flight": part.abandoned}


def settle_outcomes(outcomes: Sequence[ThresholdOutcome], result: Mapping[str, Any]) -> list[ThresholdOutcome]:
    """Mark the thresholds an early stop settled as missed: no figure still to come could make them pass.

    The figures are those of the requests measured until the stop, which may still meet the
    threshold; the stop's reason (requests in flight too long included) is what settles it."""
    stopped = result.get("stopped_early")
    if not stopped:
        return list(outcomes)
    because = str(stopped.get("because", "")).split("; ")
    marked = []
    for outcome in outcomes:
        reason = next((r for r in because if r.startswith(f"{outcome.threshold.source} can no longer pass")), None)
        if reason is None:
            marked.append(outcome)
            continue
        measured = "unmeasured" if outcome.actual is None else _show(outcome)
        marked.append(replace(outcome, passed=False, settled=(
            f"{reason}; the run stopped early at {stopped.get('at_s')} s "
            f"({outcome.threshold.metric} of the {result.get('requests')} requests measured until then: {measured})")))
    return marked


def route_table(part: Partial) -> dict[str, dict[str, Any]]:
    window = max(part.steady_end - part.steady_start, 1e-9)
    table = {}
    for name, stats in sorted(part.routes.items()):
        table[name] = {
            "requests": stats.count,
            "errors": stats.errors,
            "error_rate": _r(stats.errors / stats.count, 6) if stats.count else 0.0,
            "rps": _r(stats.count / window, 1),
            "p50_ms": _r(stats.latency.percentile_ms(50)),
            "p95_ms": _r(stats.latency.percentile_ms(95)),
            "p99_ms": _r(stats.latency.percentile_ms(99)),
            "max_ms": _r(stats.latency.max_ms),
            "service_p95_ms": _r(stats.service.percentile_ms(95)),
        }
    return table


def timeline(spec: RunSpec, part: Partial) -> list[dict[str, Any]]:
    schedule = Schedule(spec.rate, spec.duration, spec.ramp_up)
    rows = []
    last = max(part.timeline, default=-1)
    for second in range(last + 1):
        bucket = part.timeline.get(second)
        hist = bucket.latency if bucket else Histogram()
        rows.append({
            "second": second,
            "target_rps": _r(schedule.rate_at(second + 0.5), 1) if second < spec.duration
            else 0.0,
            "sent": bucket.sent if bucket else 0,
            "rps": bucket.completed if bucket else 0,
            "errors": bucket.errors if bucket else 0,
            "p50_ms": _r(hist.percentile_ms(50)) if hist.count else None,
            "p95_ms": _r(hist.percentile_ms(95)) if hist.count else None,
            "p99_ms": _r(hist.percentile_ms(99)) if hist.count else None,
            "max_ms": _r(hist.max_ms) if hist.count else None,
            "cpu_percent": _r(bucket.cpu_percent, 1) if bucket and bucket.cpu_percent is not None
            else None,
        })
    return rows


def build_result(
    spec: RunSpec,
    part: Partial,
    *,
    thresholds: Sequence[Threshold] = (),
    limits: Limits | None = None,
    workers: int = 1,
    closed: tuple[RunSpec, Partial] | None = None,
    started_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The result document without baseline (see ``baseline.apply_baseline``)."""
    limits = limits or Limits()
    summary = summarize(spec, part)
    problems = generator_problems(summary, part, limits)
    result: dict[str, Any] = {"schema": SCHEMA, "target": spec.target}
    result.update(summary)
    closed_summary: dict[str, Any] | None = None
    if closed is not None:
        closed_summary = summarize(*closed)
    elif part.model == "closed":
        closed_summary = summary
    if closed_summary is not None:
        for key in ("achieved_rps", "error_rate", "p50_ms", "p90_ms", "p95_ms", "p99_ms",
                    "max_ms", "mean_ms", "generator_cpu_percent"):
            result[f"closed_{key}"] = closed_summary[key]
    stop = stopped_early(part)
    if stop is not None:
        result["stopped_early"] = stop
    outcomes = settle_outcomes(evaluate(thresholds, result), result)
    own_errors = any(kind.endswith(GENERATOR_SIDE) for kind in part.errors_by_kind)
    flattering = can_flatter(summary, part, limits)
    beyond = beyond_the_generator(outcomes, result, generator_errors=own_errors)
    verdict = judge(problems, outcomes, [], beyond=beyond, flattering=flattering)
    result.update({
        "verdict": verdict.status,
        "verdict_reasons": verdict.reasons,
        # Misses no busy machine explains (see beyond_the_generator): a failure whoever had the CPU.
        "clear_misses": beyond,
        "started_at": (started_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "duration_s": spec.duration,
        "ramp_up_s": spec.ramp_up,
        "workers": workers,
        "thresholds": [o.to_json() for o in outcomes],
        "generator": {
            "processes": part.processes,
            "cpu_percent_max_process": summary["generator_cpu_percent"],
            "cpu_percent_total": summary["generator_cpu_total_percent"],
            "schedule_lag_ms": {"p50": summary["schedule_lag_p50_ms"],
                                "p99": summary["schedule_lag_p99_ms"],
                                "max": summary["schedule_lag_max_ms"]},
            "connections_opened": part.connections_opened,
            "connection_waits": part.pool_waits,
            "limits": limits.to_json(),
            "problems": problems,
            "problems_can_flatter": flattering,
        },
        "errors_by_kind": dict(sorted(part.errors_by_kind.items(), key=lambda kv: -kv[1])),
        "routes": route_table(part),
        "timeline": timeline(spec, part),
        "histogram": [{"low_ms": lo / 1000, "high_ms": hi / 1000, "count": n}
                      for lo, hi, n in part.latency.iter_bins()],
        "notes": list(part.notes) + ([f"the run stopped early at {stop['at_s']} s, its verdict settled: "
                                      f"{stop['because']} (--no-early-stop runs the whole schedule)"]
                                     if stop is not None else []),
    })
    if closed is not None and closed_summary is not None:
        closed_spec, closed_part = closed
        closed_summary["errors_by_kind"] = closed_part.errors_by_kind
        closed_summary["timeline"] = timeline(closed_spec, closed_part)
        closed_summary["problems"] = generator_problems(closed_summary, closed_part, limits)
        closed_summary["notes"] = closed_part.notes
        result["closed"] = closed_summary
    return result


def rejudge(result: dict[str, Any], thresholds: Sequence[Threshold],
            regressions: Sequence[str]) -> None:
    """Recompute the verdict once a baseline comparison is known."""
    problems = result["generator"]["problems"]
    outcomes = settle_outcomes(evaluate(thresholds, result), result)
    own_errors = any(str(kind).endswith(GENERATOR_SIDE) for kind in result.get("errors_by_kind") or {})
    beyond = beyond_the_generator(outcomes, result, generator_errors=own_errors)
    verdict = judge(problems, outcomes, regressions, beyond=beyond,
                    flattering=bool(result["generator"].get("problems_can_flatter", True)))
    result["verdict"], result["verdict_reasons"] = verdict.status, verdict.reasons
