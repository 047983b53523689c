"""The instructor's grading policy: points per check, what students may see, the limits.

Points come from the check's default, then lab.toml, then the policy file (`--weights
FILE`), then `--points ID=N` flags. A check is hidden from students when lab.toml says
`hidden = true` or the policy gives it a visibility other than "visible":

```toml
[points]
"db.sql.parameterized" = 5

[visibility]                 # Gradescope's values
"db.pool.bounded" = "after_due_date"

[gradescope]
hidden_visibility = "hidden" # for checks hidden in lab.toml without a [visibility] entry

[limits]                     # see harness/limits.py; over the lab's own defaults (lab.toml [grading])
memory = "512MB"
[limits.install]
timeout = "10m"
```
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.catalog import LabManifest
from harness.errors import ConfigError, UsageError
from harness.limits import Limits, apply_flags, limits_from
from harness.limits import from_json as limits_from_json
from harness.limits import to_json as limits_to_json

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
_TOP_KEYS = ("points", "visibility", "gradescope", "limits")


@dataclass(frozen=True)
class Policy:
    points: Mapping[str, float] = field(default_factory=dict)
    visibility: Mapping[str, str] = field(default_factory=dict)
    hidden_visibility: str = "hidden"
    limits: Limits = field(default_factory=Limits)

    def is_hidden(self, check_id: str, manifest: LabManifest) -> bool:
        return self.visibility_of(check_id, manifest) != "visible"

    def visibility_of(self, check_id: str, manifest: LabManifest) -> str:
        if check_id in self.visibility:
            return self.visibility[check_id]
        hidden_in_lab = any(e.id == check_id and e.hidden for e in manifest.checks)
        return self.hidden_visibility if hidden_in_lab else "visible"

    def manifest(self, manifest: LabManifest) -> LabManifest:
        """The lab's manifest with the policy's hidden checks marked hidden (results.json says so)."""
        entries = tuple(replace(e, hidden=self.is_hidden(e.id, manifest)) for e in manifest.checks)
        return replace(manifest, checks=entries)


def _closest(word: str, choices: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def _check_id(file: str, key: str, check_id: str, known: Sequence[str]) -> None:
    if check_id not in known:
        raise ConfigError(file, f"not a check of this lab; its checks: {', '.join(known)}",
                          key=f"{key}.{check_id}", suggestion=_closest(check_id, known))


def _points_value(file: str, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(file, f"points must be a number >= 0, got {value!r}", key=key)
    return float(value)


def parse_policy(data: Mapping[str, Any], file: str, known: Sequence[str], base: Limits | None = None) -> Policy:
    """`base`: the limits the policy's [limits] table goes over (the lab's defaults)."""
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(file, f"unknown table; valid: {', '.join(_TOP_KEYS)}", key=key,
                              suggestion=_closest(key, _TOP_KEYS))
    points: dict[str, float] = {}
    for check_id, value in _table(file, data, "points").items():
        _check_id(file, "points", check_id, known)
        points[check_id] = _points_value(file, f"points.{check_id}", value)
    visibility: dict[str, str] = {}
    for check_id, value in _table(file, data, "visibility").items():
        _check_id(file, "visibility", check_id, known)
        visibility[check_id] = _visibility(file, f"visibility.{check_id}", value)
    gradescope = _table(file, data, "gradescope")
    for key in gradescope:
        if key != "hidden_visibility":
            raise ConfigError(file, "unknown key; valid: hidden_visibility", key=f"gradescope.{key}")
    hidden_visibility = _visibility(file, "gradescope.hidden_visibility", gradescope.get("hidden_visibility", "hidden"))
    if hidden_visibility == "visible":
        raise ConfigError(file, "a hidden check cannot be visible; use hidden, after_due_date or after_published",
                          key="gradescope.hidden_visibility")
    try:
        limits = limits_from(_table(file, data, "limits"), base)
    except ValueError as exc:
        raise ConfigError(file, str(exc), key="limits") from None
    return Policy(points=points, visibility=visibility, hidden_visibility=hidden_visibility, limits=limits)


def _table(file: str, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(file, "must be a table", key=key)
    return value


def _visibility(file: str, key: str, value: object) -> str:
    if value not in VISIBILITIES:
        raise ConfigError(file, f"must be one of {', '.join(VISIBILITIES)}, got {value!r}", key=key,
                          suggestion=_closest(str(value), VISIBILITIES))
    return str(value)


def points_flag(text: str, known: Sequence[str]) -> tuple[str, float]:
    """`--points db.sql.parameterized=5`."""
    check_id, sep, value = text.partition("=")
    check_id = check_id.strip()
    if not sep:
        raise UsageError(f"--points takes CHECK_ID=POINTS, got {text!r}")
    if check_id not in known:
        close = _closest(check_id, known)
        hint = f" (did you mean {close}?)" if close else ""
        raise UsageError(f"--points {check_id}: not a check of this lab{hint}")
    try:
        points = float(value)
    except ValueError:
        raise UsageError(f"--points {check_id}: {value!r} is not a number") from None
    if points < 0:
        raise UsageError(f"--points {check_id}: points must be >= 0")
    return check_id, points


def load_policy(path: Path | None, manifest: LabManifest, *, points: Sequence[str] = (),
                limits: Sequence[str] = ()) -> Policy:
    """The policy file (if any) with the command-line overrides on top; the limits it does not
    set are the lab's (its lab.toml [grading] over the harness's defaults)."""
    known = [e.id for e in manifest.checks]
    policy = Policy(limits=manifest.limits)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(str(path), f"cannot be read: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(path), f"is not valid TOML: {exc}") from None
        policy = parse_policy(data, str(path), known, manifest.limits)
    overrides = dict(policy.points)
    for flag in points:
        check_id, value = points_flag(flag, known)
        overrides[check_id] = value
    try:
        new_limits = apply_flags(policy.limits, list(limits))
    except ValueError as exc:
        raise UsageError(f"--limit: {exc}") from None
    return replace(policy, points=overrides, limits=new_limits)


def to_json(policy: Policy) -> dict[str, Any]:
    return {"points": dict(policy.points), "visibility": dict(policy.visibility),
            "hidden_visibility": policy.hidden_visibility, "limits": limits_to_json(policy.limits)}


def from_json(data: Mapping[str, Any]) -> Policy:
    return Policy(points=dict(data.get("points", {})), visibility=dict(data.get("visibility", {})),
                  hidden_visibility=str(data.get("hidden_visibility", "hidden")),
                  limits=limits_from_json(data.get("limits", {})))
