"""The machine the lab's configuration is for, and the bounds each setting is held to.

The brief's machine, not the one the check runs on: the values are read from the server that
started with them (pg_settings), and judged against 16 GB. Every bound is stated in the lab's
README with its reason; a failure repeats it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.outcomes import Failure

from .server import RUN_AGAIN, LabServer
from .settings import GB, Setting, human_bytes, human_seconds, learners, read

RAM = 16 * GB
CORES = 4
CONNECTIONS = 200
MACHINE = f"{RAM // GB} GB RAM, {CORES} cores, SSD, OLTP, {CONNECTIONS} connections"


@dataclass(frozen=True)
class Bound:
    name: str
    kind: str  # "bytes", "seconds" or "number": how the value is compared and shown
    low: float | None
    high: float | None
    why: str
    from_conf: bool = True  # must be set in conf.d (else any source in bounds will do)

    def value(self, setting: Setting) -> float:
        return setting.bytes if self.kind == "bytes" else setting.seconds if self.kind == "seconds" \
            else setting.number

    def describe(self) -> str:
        show = human_bytes if self.kind == "bytes" else human_seconds if self.kind == "seconds" \
            else (lambda v: f"{v:g}")
        if self.low is not None and self.high is not None:
            span = f"between {show(self.low)} and {show(self.high)}"
        elif self.low is not None:
            span = f"at least {show(self.low)}"
        else:
            span = f"at most {show(self.high or 0)}"
        return f"{self.name} {span} ({self.why})"


def judge(lab: LabServer, bounds: Sequence[Bound], check_id: str, *, also: Sequence[str] = (),
          hint: str) -> dict[str, Setting]:
    """Every bound holds on the running server (a Failure listing every miss otherwise); the
    settings read, with `also` (read for the caller's own rules)."""
    found = read(lab, [b.name for b in bounds] + list(also))
    learners(found, [b.name for b in bounds if b.from_conf], check_id)
    misses = []
    for bound in bounds:
        setting = found[bound.name]
        value = bound.value(setting)
        if (bound.low is not None and value < bound.low) or (bound.high is not None and value > bound.high):
            misses.append((setting, bound))
    if misses:
        raise Failure(
            "out of bounds for the lab's machine: " + ", ".join(s.name for s, _ in misses),
            expected="; ".join(b.describe() for _, b in misses),
            actual="; ".join(s.shown() for s, _ in misses),
            hint=hint, reproduce=RUN_AGAIN.format(check=check_id),
        )
    return found
