"""Parsing of the quantities users type: durations, rates, percentages."""

from __future__ import annotations

import re

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)?\s*$")
_DURATION_SCALE = {"us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%)?\s*$")


class UnitError(ValueError):
    """A quantity that does not parse; the message says what was expected."""


def parse_duration(text: str, *, default_unit: str = "s") -> float:
    """'60s', '1.5s', '300ms', '2m' -> seconds; a bare number uses ``default_unit``."""
    match = _DURATION.match(text)
    if match is None:
        raise UnitError(f"{text!r} is not a duration (examples: 60s, 1.5s, 300ms, 2m)")
    unit = match.group(2) or default_unit
    return float(match.group(1)) * _DURATION_SCALE[unit]


def parse_percent(text: str) -> float:
    """'10%' or '10' -> 0.10 (a fraction)."""
    match = _PERCENT.match(text)
    if match is None:
        raise UnitError(f"{text!r} is not a percentage (examples: 10%, 2.5%)")
    return float(match.group(1)) / 100.0


def parse_rate(text: str) -> float:
    """'1000', '1000/s', '1k' -> requests per second (must be > 0)."""
    cleaned = text.strip().lower().removesuffix("/s").removesuffix("rps").strip()
    scale = 1.0
    if cleaned.endswith("k"):
        cleaned, scale = cleaned[:-1], 1000.0
    try:
        value = float(cleaned) * scale
    except ValueError:
        raise UnitError(f"{text!r} is not a rate (examples: 1000, 1000/s, 2.5k)") from None
    if value <= 0 or value != value:
        raise UnitError(f"{text!r}: the rate must be greater than 0")
    return value


def format_ms(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"
