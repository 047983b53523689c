"""Durations as people write them in config files and flags: 90, "90s", "5m", "1h", "250ms"."""

from __future__ import annotations

import re

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


def parse_duration(value: object) -> float:
    """Seconds; raises ValueError with a message that shows the accepted forms."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as 90, \"90s\" or \"5m\", got {value!r}")
    if isinstance(value, int | float):
        if value <= 0:
            raise ValueError(f"a duration must be positive, got {value!r}")
        return float(value)
    if isinstance(value, str):
        match = _PATTERN.match(value)
        if match:
            seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
            if seconds > 0:
                return seconds
    raise ValueError(f"expected a duration such as 90, \"90s\" or \"5m\", got {value!r}")


def format_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    return f"{seconds / 60:.1f} min"
