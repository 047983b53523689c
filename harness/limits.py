"""What a submission may use, and how the limits are written in a policy file or a flag.

Two budgets, because installing is a different job from running: `npm ci` or `mvn package`
needs the network, more memory and more processes, and must not count against the app.
Every limit appears in the verdict that reports it ("memory limit (512 MB) exceeded").

Where a limit comes from, last wins: the defaults below, the lab's `[grading]` table in its
lab.toml (what the lab runs costs: a testing lab runs the learner's suite eight times, with
coverage), the policy file's `[limits]`, then `--limit` flags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from harness.durations import format_duration, parse_duration

MB = 1024 * 1024
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "k": 1024, "m": MB, "g": 1024 * MB}


def parse_size(value: object) -> int:
    """Bytes from 512, "512MB", "1G" (binary units, as Docker and ulimit count them)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a size such as \"512MB\" or \"1GB\", got {value!r}")
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str):
        match = _SIZE.match(value)
        if match:
            unit = (match.group(2) or "b").lower()[0]
            size = int(float(match.group(1)) * _SIZE_UNITS[unit])
            if size > 0:
                return size
    raise ValueError(f"expected a size such as \"512MB\" or \"1GB\", got {value!r}")


def format_size(size: int) -> str:
    if size >= 1024 * MB and size % (1024 * MB) == 0:
        return f"{size // (1024 * MB)} GB"
    if size >= MB:
        return f"{size / MB:g} MB"
    return f"{size / 1024:g} KB"


@dataclass(frozen=True)
class Limits:
    # The app: migrate and start, and everything they spawn (one cgroup).
    memory_bytes: int = 512 * MB
    processes: int = 128
    cpus: float = 1.0             # a CPU quota, so parallel jobs share the machine fairly
    cpu_time_s: float = 120.0     # CPU seconds over the whole run: an infinite loop ends here
    file_size_bytes: int = 64 * MB
    open_files: int = 1024
    log_bytes: int = 1 * MB       # the app's output; past it the app is stopped
    # Caps on what the submission's harness.toml may ask for.
    ready_timeout_s: float = 60.0
    migrate_timeout_s: float = 120.0
    # Everything for one submission, services to cleanup.
    wall_time_s: float = 900.0
    # The submission's own PostgreSQL (and Redis) and the harness's worker: what the app can
    # make its database use (connections, temp files on a tmpfs scratch folder).
    services_memory_bytes: int = 2048 * MB
    # The install phase: network allowed, no database credentials, its own cgroup.
    install_timeout_s: float = 600.0
    install_memory_bytes: int = 2048 * MB
    install_processes: int = 512
    install_cpu_time_s: float = 600.0

    def describe(self) -> str:
        return (f"memory {format_size(self.memory_bytes)}, {self.processes} processes, {self.cpus:g} CPU, "
                f"CPU time {format_duration(self.cpu_time_s)}, files {format_size(self.file_size_bytes)}, "
                f"log {format_size(self.log_bytes)}, wall {format_duration(self.wall_time_s)}; install: "
                f"{format_duration(self.install_timeout_s)}, {format_size(self.install_memory_bytes)}, "
                f"{self.install_processes} processes")


# Policy-file keys -> (field, parser). [limits] holds the app's, [limits.install] the install's.
_RUN_KEYS: dict[str, tuple[str, Any]] = {
    "memory": ("memory_bytes", parse_size),
    "processes": ("processes", int),
    "cpus": ("cpus", float),
    "cpu_time": ("cpu_time_s", parse_duration),
    "file_size": ("file_size_bytes", parse_size),
    "open_files": ("open_files", int),
    "log": ("log_bytes", parse_size),
    "ready_timeout": ("ready_timeout_s", parse_duration),
    "migrate_timeout": ("migrate_timeout_s", parse_duration),
    "wall_time": ("wall_time_s", parse_duration),
    "services_memory": ("services_memory_bytes", parse_size),
}
_INSTALL_KEYS: dict[str, tuple[str, Any]] = {
    "timeout": ("install_timeout_s", parse_duration),
    "memory": ("install_memory_bytes", parse_size),
    "processes": ("install_processes", int),
    "cpu_time": ("install_cpu_time_s", parse_duration),
}


def _convert(key: str, parser: Any, value: object) -> Any:
    if parser in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"{key} must be a positive number, got {value!r}")
        return parser(value)
    return parser(value)


def limits_from(table: Mapping[str, Any], base: Limits | None = None, *, table_name: str = "limits") -> Limits:
    """A [limits] table (with an optional [limits.install] table) over `base`; ValueError names the
    key (`table_name`: "grading" for a lab.toml's defaults, which take the same keys)."""
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key == "install":
            if not isinstance(value, dict):
                raise ValueError(f"{table_name}.install must be a table")
            for sub, sub_value in value.items():
                if sub not in _INSTALL_KEYS:
                    raise ValueError(f"{table_name}.install.{sub}: unknown; valid: {', '.join(_INSTALL_KEYS)}")
                name, parser = _INSTALL_KEYS[sub]
                changes[name] = _convert(f"{table_name}.install.{sub}", parser, sub_value)
            continue
        if key not in _RUN_KEYS:
            raise ValueError(f"{table_name}.{key}: unknown; valid: {', '.join([*_RUN_KEYS, 'install'])}")
        name, parser = _RUN_KEYS[key]
        changes[name] = _convert(f"{table_name}.{key}", parser, value)
    return replace(base or Limits(), **changes)


def duration_value(seconds: float) -> str:
    """A duration as a flag or a policy file takes it: 240 -> "4m", 90 -> "90s"."""
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g}m"
    return f"{seconds:g}s"


def raise_hint(key: str, seconds: float) -> str:
    """How to grade again with twice a time limit: the flag, or the policy key (`install.cpu_time`
    is `cpu_time` in the policy's [limits.install])."""
    return f"--limit {key}={duration_value(2 * seconds)} or limits.{key} in the policy"


def limit_flag(text: str) -> tuple[str, str]:
    """`--limit memory=256MB` or `--limit install.timeout=5m` -> the policy-file key and value."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise ValueError(f"--limit takes KEY=VALUE (e.g. memory=256MB), got {text!r}")
    return key.strip(), value.strip()


def apply_flags(limits: Limits, flags: list[str]) -> Limits:
    table: dict[str, Any] = {}
    for flag in flags:
        key, value = limit_flag(flag)
        if key.startswith("install."):
            table.setdefault("install", {})[key.removeprefix("install.")] = _number_or_text(value)
        else:
            table[key] = _number_or_text(value)
    return limits_from(table, limits)


def _number_or_text(value: str) -> object:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def to_json(limits: Limits) -> dict[str, Any]:
    return {f.name: getattr(limits, f.name) for f in fields(limits)}


def from_json(data: Mapping[str, Any]) -> Limits:
    return Limits(**{f.name: data[f.name] for f in fields(Limits) if f.name in data})
