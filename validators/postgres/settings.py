"""The settings in force on the learner's server (pg_settings), and where each came from.

A value counts as the learner's when pg_settings says it came from a file of their conf.d: a
default that happens to be in bounds is not a decision, and a key set twice is shown from the
file that won (the last one read).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from harness.outcomes import Failure

from .conf import CONF_DIR
from .server import RUN_AGAIN, LabServer

# pg_settings' units, in bytes or seconds.
_BYTES = {"B": 1, "kB": 1024, "8kB": 8192, "16kB": 16384, "MB": 1024**2, "16MB": 16 * 1024**2, "GB": 1024**3}
_SECONDS = {"ms": 0.001, "s": 1.0, "min": 60.0}
GB = 1024**3
MB = 1024**2
# Where a value not from conf.d came from, in the learner's words.
_ORIGINS = {"default": "PostgreSQL's default", "configuration file": "initdb's postgresql.conf, not conf.d",
            "override": "set by the server itself"}


@dataclass(frozen=True)
class Setting:
    name: str
    setting: str  # in pg_settings' unit
    unit: str | None
    source: str
    file: str | None  # the conf.d file name (with its line) the value came from; None: not from conf.d

    @property
    def number(self) -> float:
        return float(self.setting)

    @property
    def bytes(self) -> float:
        return self.number * _BYTES[self.unit or "B"]

    @property
    def seconds(self) -> float:
        return self.number * _SECONDS[self.unit or "s"]

    def shown(self) -> str:
        """The value as a person writes it (4GB, 15min), and where it came from."""
        if self.unit in _BYTES:
            text = human_bytes(self.bytes)
        elif self.unit in _SECONDS:
            text = human_seconds(self.seconds)
        else:
            text = self.setting
        origin = f"from {self.file}" if self.file else _ORIGINS.get(self.source, f"source: {self.source}")
        return f"{self.name} = {text} ({origin})"


def human_bytes(value: float) -> str:
    for unit, size in (("GB", GB), ("MB", MB), ("kB", 1024)):
        if value >= size:
            return f"{value / size:.3g}{unit}"
    return f"{value:.0f}B"


def human_seconds(value: float) -> str:
    if value >= 60 and value % 60 == 0:
        return f"{value / 60:.0f}min"
    return f"{value:g}s"


def read(lab: LabServer, names: Iterable[str]) -> dict[str, Setting]:
    wanted = sorted(set(names))
    prefix = lab.conf_dir.rstrip("/") + "/"
    with lab.connect() as conn:
        rows = conn.execute("SELECT name, setting, unit, source, sourcefile, sourceline FROM pg_settings "
                            "WHERE name = ANY(%s)", (wanted,)).fetchall()
    found = {}
    for name, setting, unit, source, sourcefile, line in rows:
        file = None
        if isinstance(sourcefile, str) and sourcefile.startswith(prefix):
            file = f"{CONF_DIR}/{sourcefile[len(prefix):]}:{line}"
        found[str(name)] = Setting(str(name), str(setting), str(unit) if unit else None, str(source), file)
    return found


def learners(found: dict[str, Setting], names: Iterable[str], check_id: str) -> None:
    """Every one of `names` set in conf.d, or a Failure naming those that are not."""
    missing = [found[n] for n in names if found[n].file is None]
    if missing:
        listed = ", ".join(m.name for m in missing)
        raise Failure(
            f"not set in {CONF_DIR}/: {listed}",
            expected=f"{listed} set in a {CONF_DIR}/*.conf file: a default is not a decision for the lab's machine",
            actual="; ".join(m.shown() for m in missing),
            hint=f"Set {listed} in conf.d/*.conf; LAB.md gives each one's bounds and why.",
            reproduce=RUN_AGAIN.format(check=check_id),
        )


def out_of_bounds(setting: Setting, value: float, low: float | None, high: float | None, shown: str) -> str | None:
    """A line saying how `value` misses [low, high] (bounds shown as `shown`), or None."""
    if (low is not None and value < low) or (high is not None and value > high):
        return f"{setting.shown()}: {shown}"
    return None
