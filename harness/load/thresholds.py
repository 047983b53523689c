"""Pass/fail thresholds: ``rps>=1000``, ``p95<200ms``, ``errors<1%``, ``max<2s``.

An expression is ``METRIC OP VALUE[UNIT]``. Latency metrics need a unit (ms, s, us):
``p95<200`` is refused rather than guessed, because a forgotten unit is the classic way
to make a threshold 1000 times too lax. Errors need ``%``.
"""

from __future__ import annotations

import enum
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


class ThresholdError(ValueError):
    """A threshold expression that does not parse; the message names it and the fix."""


class Kind(enum.Enum):
    LATENCY = "latency"  # milliseconds
    RATE = "rate"  # requests per second
    RATIO = "ratio"  # fraction in [0, 1]


_LATENCY_KEYS = {
    "p50": "p50_ms", "p75": "p75_ms", "p90": "p90_ms", "p95": "p95_ms", "p99": "p99_ms",
    "p99.9": "p999_ms", "max": "max_ms", "mean": "mean_ms",
}
_ALIASES = {"avg": "mean", "median": "p50", "error_rate": "errors", "p999": "p99.9"}
_OTHER: dict[str, tuple[Kind, str]] = {
    "rps": (Kind.RATE, "achieved_rps"),
    "errors": (Kind.RATIO, "error_rate"),
}
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
_LATENCY_UNITS = {"ms": 1.0, "s": 1000.0, "us": 0.001, "µs": 0.001}
_EXPRESSION = re.compile(
    r"^\s*(?P<metric>[A-Za-z_][A-Za-z0-9_.]*)\s*(?P<op><=|>=|<|>|==|=)\s*"
    r"(?P<value>[0-9]*\.?[0-9]+)\s*(?P<unit>[A-Za-zµ%/]*)\s*$"
)


def _valid_metrics_text() -> str:
    return (
        "valid metrics: rps, " + ", ".join(_LATENCY_KEYS) + ", errors, and service_<latency>"
        " (e.g. service_p95) for the time measured from the actual send"
    )


@dataclass(frozen=True)
class Threshold:
    """One parsed expression. ``limit`` is in ms (latency), req/s (rate) or a fraction."""

    source: str
    metric: str
    op: str
    limit: float
    kind: Kind
    result_key: str  # the key of the result summary this threshold reads

    def holds(self, actual: float) -> bool:
        if math.isnan(actual):
            return False
        return _OPS[self.op](actual, self.limit)

    def describe_limit(self) -> str:
        if self.kind is Kind.LATENCY:
            return f"{self.op} {self.limit:g} ms"
        if self.kind is Kind.RATIO:
            return f"{self.op} {self.limit * 100:g}%"
        return f"{self.op} {self.limit:g} req/s"


@dataclass(frozen=True)
class ThresholdOutcome:
    threshold: Threshold
    actual: float | None
    passed: bool
    # Why the threshold was settled as missed before the run's end (settle.py), if it was.
    settled: str | None = None

    def to_json(self) -> dict[str, object]:
        t = self.threshold
        extra: dict[str, object] = {"settled": self.settled} if self.settled else {}
        return {
            "expression": t.source,
            "metric": t.metric,
            "key": t.result_key,
            "op": t.op,
            "limit": t.limit,
            "actual": self.actual,
            "passed": self.passed,
            **extra,
        }


def parse_threshold(text: str) -> Threshold:
    match = _EXPRESSION.match(text)
    if match is None:
        raise ThresholdError(
            f"bad threshold {text!r}: expected METRIC OP VALUE, e.g. 'p95<200ms', "
            f"'rps>=1000', 'errors<1%'; {_valid_metrics_text()}"
        )
    raw_metric = match.group("metric").lower()
    op = match.group("op")
    if op in ("=", "=="):
        raise ThresholdError(
            f"bad threshold {text!r}: use <, <=, > or >= (an exact match of a measured "
            "value would fail at random)"
        )
    value = float(match.group("value"))
    unit = match.group("unit").lower()

    service = raw_metric.startswith("service_")
    base = raw_metric.removeprefix("service_")
    base = _ALIASES.get(base, base)
    if base in _LATENCY_KEYS:
        if unit not in _LATENCY_UNITS:
            hint = f"'{raw_metric}{op}{match.group('value')}ms'"
            raise ThresholdError(
                f"bad threshold {text!r}: a latency needs a unit (ms, s or us), e.g. {hint}"
            )
        key = _LATENCY_KEYS[base]
        return Threshold(
            source=text.strip(),
            metric=("service_" if service else "") + base,
            op=op,
            limit=value * _LATENCY_UNITS[unit],
            kind=Kind.LATENCY,
            result_key=("service_" if service else "") + key,
        )
    if service or base not in _OTHER:
        raise ThresholdError(f"bad threshold {text!r}: unknown metric {raw_metric!r}; "
                             f"{_valid_metrics_text()}")
    kind, key = _OTHER[base]
    if kind is Kind.RATIO:
        if unit != "%":
            raise ThresholdError(
                f"bad threshold {text!r}: give the error rate in percent, e.g. 'errors<1%'"
            )
        limit = value / 100.0
    else:
        if unit not in ("", "/s", "rps"):
            raise ThresholdError(
                f"bad threshold {text!r}: a rate is in requests per second, e.g. 'rps>=1000'"
            )
        limit = value
    return Threshold(source=text.strip(), metric=base, op=op, limit=limit, kind=kind,
                     result_key=key)


def evaluate(
    thresholds: Sequence[Threshold], summary: Mapping[str, object]
) -> list[ThresholdOutcome]:
    """Check each threshold against the summary; a missing figure fails (never passes)."""
    outcomes = []
    for threshold in thresholds:
        raw = summary.get(threshold.result_key)
        actual = float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None
        passed = actual is not None and threshold.holds(actual)
        outcomes.append(ThresholdOutcome(threshold, actual, passed))
    return outcomes
