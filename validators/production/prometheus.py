"""Reading the Prometheus text exposition format (0.0.4) and OpenMetrics, enough to judge it."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SAMPLE = re.compile(
    r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})?\s+(?P<value>\S+)(?:\s+\S+)?$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float


class ExpositionError(ValueError):
    pass


def parse(text: str) -> list[Sample]:
    """Samples of a scrape; raises ExpositionError on the first line that is not the format."""
    samples = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if not match:
            raise ExpositionError(f"line {number} is not a metric sample: {raw[:120]!r}")
        try:
            value = float(match.group("value"))
        except ValueError:
            raise ExpositionError(f"line {number} has no numeric value: {raw[:120]!r}") from None
        labels = dict(_LABEL.findall(match.group("labels") or ""))
        samples.append(Sample(match.group("name"), labels, value))
    return samples


def request_counters(samples: list[Sample]) -> dict[str, float]:
    """Totals of the metrics that count HTTP requests, by metric name.

    Counters (`*_total`, `*_count` of a duration histogram or summary) whose name speaks
    of HTTP requests: http_requests_total, http_request_duration_seconds_count, ...
    """
    totals: dict[str, float] = {}
    for sample in samples:
        name = sample.name.lower()
        if "request" in name and ("http" in name or "route" in sample.labels or "path" in sample.labels) \
                and (name.endswith("_total") or name.endswith("_count")):
            totals[sample.name] = totals.get(sample.name, 0.0) + sample.value
    return totals
