"""What a person sees: one progress line per second on stderr, the summary on stdout."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import IO, Any

from harness.load import cpusplit
from harness.load.engine import Tick
from harness.load.units import format_ms


class ProgressPrinter:
    """A line per second; on a terminal the same line is rewritten (carriage return)."""

    def __init__(self, stream: IO[str] | None = None, tty: bool | None = None,
                 label: str = "") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.label = label
        self._width = 0

    def __call__(self, tick: Tick) -> None:
        errors = f"{tick.errors}"
        if tick.completed:
            errors += f" ({100 * tick.errors / tick.completed:.1f}%)"
        line = (f"{self.label}[{tick.second + 1:>4}s] {tick.completed:>6} req/s "
                f"(target {tick.target_rate:.0f}, sent {tick.sent}) | p95 "
                f"{format_ms(tick.p95_ms):>9} (last 1 s) | errors {errors} | "
                f"generator CPU {tick.cpu_percent:.0f}%")
        if self.tty:
            pad = " " * max(0, self._width - len(line))
            self.stream.write("\r" + line + pad)
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
        self._width = 0


def _ms(result: Mapping[str, Any], key: str) -> str:
    value = result.get(key)
    return format_ms(None if value is None else float(value))


def _latency_line(result: Mapping[str, Any], prefix: str) -> str:
    return "  ".join(f"{name} {_ms(result, f'{prefix}{name}_ms')}"
                     for name in ("p50", "p95", "p99", "max"))


def render_summary(result: Mapping[str, Any]) -> str:
    lines = []
    model = result.get("model")
    lines.append(f"harness bench {result.get('target')}: {model} model, "
                 f"{result.get('target_rps'):g} req/s for {result.get('duration_s'):g} s "
                 f"(ramp-up {result.get('ramp_up_s'):g} s), {result.get('workers')} worker(s)")
    lines.append(f"  rate        achieved {result.get('achieved_rps'):.1f} req/s "
                 f"(sent {result.get('send_rps'):.1f}), {result.get('requests')} requests, "
                 f"errors {100 * float(result.get('error_rate') or 0):.2f}%")
    if model == "open":
        lines.append("  latency     from the intended send: " + _latency_line(result, ""))
        lines.append("  service     from the actual send:   " + _latency_line(result, "service_"))
    else:
        lines.append("  latency     Locust, from the actual send: " + _latency_line(result, ""))
    if model == "open" and "closed_p95_ms" in result:
        lines.append("  closed      Locust's closed model:  " + _latency_line(result, "closed_")
                     + f"  ({result.get('closed_achieved_rps'):.1f} req/s)")
    for problem in (result.get("closed") or {}).get("problems", []) if model == "open" else []:
        lines.append(f"  note        the closed-model run: {problem}")
    lag = result.get("schedule_lag_p99_ms")
    lag_text = f", schedule lag p99 {format_ms(float(lag))}" if lag is not None else ""
    lines.append(f"  generator   CPU {result.get('generator_cpu_percent'):.0f}% of a core "
                 f"(busiest process){lag_text}")
    if result.get("cpu_split"):
        lines.append("  cpu         " + cpusplit.describe(result["cpu_split"]))
    stopped = result.get("stopped_early")
    if stopped:
        lines.append(f"  stopped     early, at {stopped.get('at_s')} s of {result.get('duration_s'):g} s: "
                     f"{stopped.get('because')}; the figures are those measured until then")
    kinds = result.get("errors_by_kind") or {}
    if kinds:
        lines.append("  errors      " + ", ".join(f"{k}: {v}" for k, v in kinds.items()))
    for item in result.get("thresholds") or []:
        outcome = "held" if item.get("passed") else "MISSED"
        actual = item.get("actual")
        key = str(item.get("key"))
        if actual is None:
            shown = "-"
        elif key == "error_rate":
            shown = f"{100 * float(actual):.2f}%"
        elif key.endswith("_ms"):
            shown = format_ms(float(actual))
        else:
            shown = f"{float(actual):.1f} req/s"
        lines.append(f"  threshold   {item.get('expression'):<16} {shown:>12}  {outcome}")
    status = str(result.get("verdict"))
    reasons = [str(r) for r in result.get("verdict_reasons") or []]
    if status == "inconclusive":
        bar = "=" * 78
        lines += ["", bar, "INCONCLUSIVE: the load generator, not your app, could not keep up.",
                  *(f"  - {r}" for r in reasons),
                  "No figure of this run can be trusted; it is not a failure of the target.",
                  "Exit code 1 (see docs/bench.md: 'Inconclusive runs').", bar]
    else:
        lines.append(f"  verdict     {status.upper()}")
        lines += [f"    - {r}" for r in reasons]
    return "\n".join(lines)
