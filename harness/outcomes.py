"""What a check can conclude, and the results every reporter consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"
    # ERROR: the check could not conclude: it crashed (a harness bug) or it never ran
    # because the app could not be started. Never shown as a pass.
    ERROR = "error"


class Failure(Exception):
    """Raised by a check when the property does not hold.

    Every field is for the learner: what is wrong, what was expected, what was seen,
    how to fix it, and a command line that reproduces it.
    """

    def __init__(
        self,
        message: str,
        *,
        expected: str | None = None,
        actual: str | None = None,
        hint: str | None = None,
        reproduce: str | None = None,
        evidence: str | None = None,
        figures: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        # A field with nothing in it is no field: a report never shows a label and nothing.
        self.expected = _present(expected)
        self.actual = _present(actual)
        self.hint = _present(hint)
        self.reproduce = _present(reproduce)
        self.evidence = _present(evidence)
        # Machine-readable figures behind the words ({"kind": "load", ...}): what a report charts.
        self.figures = figures


def _present(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


@dataclass(frozen=True)
class Passed:
    """What a check may return when the property holds and the lab promises to show why:
    the test that caught a seeded bug, the coverage measured. A check that returns None
    passes with nothing to show."""

    message: str
    evidence: str | None = None
    figures: dict[str, Any] | None = None  # as Failure.figures


class CannotCheck(Exception):
    """Raised when this environment cannot observe what the check needs: not the learner's fault."""

    def __init__(self, reason: str, *, fix: str | None = None, figures: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fix = fix
        self.figures = figures  # what was measured all the same (a load run's), as Failure.figures


class Skip(Exception):
    """Raised by a check whose precondition does not hold (not a pass, not a fail)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    status: Status
    score: float
    max_score: float
    duration_s: float
    message: str | None = None
    expected: str | None = None
    actual: str | None = None
    hint: str | None = None
    reproduce: str | None = None
    evidence: str | None = None
    hidden: bool = False
    # Why a check is ERROR: "crash" (a harness bug, exit 3), "not-run" (the app could not be
    # started: the project's fault, exit 1), "environment" (the setup cannot observe what
    # the check needs, e.g. no pg_stat_statements on an external server: exit 4).
    cause: str | None = None
    figures: dict[str, Any] | None = None  # what the check measured, for charts (Failure.figures)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.title,
            "status": self.status.value,
            "score": self.score,
            "max_score": self.max_score,
            "duration_s": round(self.duration_s, 3),
        }
        for key in ("message", "expected", "actual", "hint", "reproduce", "evidence"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.cause is not None:
            data["cause"] = self.cause
        if self.hidden:
            data["visibility"] = "hidden"
        if self.figures is not None:
            data["figures"] = self.figures
        return data


@dataclass
class RunResult:
    """The whole run; mutated as checks finish so a crash still leaves partial results."""

    lab: str
    run_id: str
    seed: int
    started_at: str
    checks: list[CheckResult] = field(default_factory=list)
    planned: list[tuple[str, str, float]] = field(default_factory=list)
    environment: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    # Set when the run could not reach the checks (app never ready) or broke mid-run.
    message: str | None = None
    fixes: list[str] = field(default_factory=list)
    app_log_tail: str | None = None
    # install | migrate | start when the app could not be brought up (AppFailed.phase).
    failed_phase: str | None = None
    interrupted: bool = False
    finished: bool = False
    # `check --repeat N`: "check id: pass in round 1, fail in round 2: why", one per change.
    unstable: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.checks)

    @property
    def max_score(self) -> float:
        done = {c.id for c in self.checks}
        pending = sum(points for check_id, _, points in self.planned if check_id not in done)
        return sum(c.max_score for c in self.checks) + pending

    @property
    def status(self) -> Status:
        """Exercism's rule: error only when no check could run at all."""
        if self.checks and all(c.status is Status.ERROR for c in self.checks):
            return Status.ERROR
        if not self.checks:
            return Status.ERROR if (self.message or self.interrupted) else Status.PASS
        if any(c.status in (Status.FAIL, Status.ERROR) for c in self.checks):
            return Status.FAIL
        if self.interrupted or len(self.checks) < len(self.planned) or self.unstable:
            return Status.FAIL
        return Status.PASS

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for c in self.checks:
            counts[c.status.value] += 1
        return counts
