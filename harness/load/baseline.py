"""Compare a run with a previous run's JSON: p95/p99 up, rps down or errors up = regression.

A change counts only when it is beyond the relative tolerance *and* beyond a small
absolute floor: a p95 going from 0.8 ms to 1.1 ms is +37% and means nothing (timer
and scheduler noise), and an error rate going from 0 to 0.01% is an infinite relative
change that one unlucky connection reset produces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.load.result import SCHEMA

LATENCY_FLOOR_MS = 1.0
ERROR_FLOOR = 0.001  # 0.1 percentage point
RPS_FLOOR = 1.0


class BaselineError(ValueError):
    """A baseline file that cannot be compared with; the message names the file."""


@dataclass(frozen=True)
class Row:
    metric: str
    old: float | None
    new: float | None
    worse_when: str  # "higher" or "lower"; "" for information only
    regressed: bool

    @property
    def change(self) -> float | None:
        if self.old is None or self.new is None or self.old == 0:
            return None
        return (self.new - self.old) / self.old

    def to_json(self) -> dict[str, Any]:
        return {"metric": self.metric, "old": self.old, "new": self.new, "change": self.change,
                "worse_when": self.worse_when, "regressed": self.regressed}


# metric, direction that is worse, absolute floor
_COMPARED: tuple[tuple[str, str, float], ...] = (
    ("achieved_rps", "lower", RPS_FLOOR),
    ("p50_ms", "", 0.0),
    ("p95_ms", "higher", LATENCY_FLOOR_MS),
    ("p99_ms", "higher", LATENCY_FLOOR_MS),
    ("max_ms", "", 0.0),
    ("error_rate", "higher", ERROR_FLOOR),
)


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"--baseline {path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"--baseline {path}: not a JSON file written by harness bench "
                            f"({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise BaselineError(f"--baseline {path}: not a harness bench result (expected "
                            f"\"schema\": \"{SCHEMA}\"; write one with --json)")
    missing = [m for m, _, _ in _COMPARED if m not in data]
    if missing:
        raise BaselineError(f"--baseline {path}: missing {', '.join(missing)}")
    return data


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def compare(old: Mapping[str, Any], new: Mapping[str, Any], tolerance: float) -> list[Row]:
    rows = []
    for metric, worse, floor in _COMPARED:
        before, after = _number(old.get(metric)), _number(new.get(metric))
        regressed = False
        if worse and before is not None and after is not None:
            delta = after - before if worse == "higher" else before - after
            regressed = delta > floor and delta > tolerance * abs(before)
        rows.append(Row(metric, before, after, worse, regressed))
    return rows


def regressions(rows: list[Row], tolerance: float) -> list[str]:
    out = []
    for row in rows:
        if row.regressed:
            change = row.change
            how = f"{change * 100:+.1f}%" if change is not None else "from 0"
            out.append(f"{row.metric} {_fmt(row.metric, row.old)} -> "
                       f"{_fmt(row.metric, row.new)} ({how}, tolerance {tolerance * 100:g}%)")
    return out


def notes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    found = []
    if old.get("target_rps") != new.get("target_rps"):
        found.append(f"the baseline ran at {old.get('target_rps')} req/s and this run at "
                     f"{new.get('target_rps')}: the comparison is between different loads")
    if old.get("model") != new.get("model"):
        found.append(f"the baseline used the {old.get('model')} model and this run the "
                     f"{new.get('model')} model: latencies are measured differently")
    if old.get("verdict") == "inconclusive":
        found.append("the baseline run itself was inconclusive (its generator could not keep up)")
    return found


def _fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "-"
    if metric == "error_rate":
        return f"{value * 100:.2f}%"
    if metric.endswith("_ms"):
        return f"{value:.2f} ms"
    return f"{value:.1f}/s"


def render_table(rows: list[Row]) -> str:
    """old / new / change, one line per metric, for the terminal."""
    lines = [f"{'metric':<14}{'old':>14}{'new':>14}{'change':>10}"]
    for row in rows:
        change = row.change
        shown = f"{change * 100:+.1f}%" if change is not None else "-"
        flag = "REGRESSION" if row.regressed else ("" if row.worse_when else "(info)")
        lines.append(f"{row.metric:<14}{_fmt(row.metric, row.old):>14}"
                     f"{_fmt(row.metric, row.new):>14}{shown:>10}  {flag}".rstrip())
    return "\n".join(lines)


def apply_baseline(result: dict[str, Any], baseline: Mapping[str, Any], source: Path,
                   tolerance: float) -> tuple[list[Row], list[str]]:
    """Add the comparison to ``result``; return the rows and the regression reasons."""
    rows = compare(baseline, result, tolerance)
    found = regressions(rows, tolerance)
    result["baseline"] = {
        "file": str(source),
        "tolerance": tolerance,
        "rows": [r.to_json() for r in rows],
        "regressions": found,
        "notes": notes(baseline, result),
    }
    return rows, found
