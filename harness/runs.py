"""Records of what the harness ran of the project: its migrations, its own test suite (also
against seeded bugs), and what the suite left in its database. The runner makes them; the
checks judge them (through CheckContext.app)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_FAILING_COUNT = re.compile(r"^(\d+) failing tests?:$")


@dataclass(frozen=True)
class MigrateRun:
    """One run of the project's migrate command, with the schema it left behind."""

    exit_code: int
    duration_s: float
    log_tail: str
    snapshot: Mapping[str, Any] | None


@dataclass(frozen=True)
class TestRun:
    """The project's own test suite, run by the harness against a database of its own."""

    command: str
    exit_code: int | None  # None: it ran out of time
    duration_s: float
    log_tail: str
    coverage_percent: float | None
    coverage_detail: str  # the report's format and counts, or why it could not be read
    failed_tests: str = ""  # the failing tests the runner named (runner/testlog.py), or empty

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    @property
    def failing_names(self) -> list[str]:
        """The failing tests the runner named, "name (where)" each, from the digest in `failed_tests`
        ("N failing tests:", then a "  ✗ name" block each); those beyond its limit count as "…"."""
        lines = self.failed_tests.splitlines()
        names = [line.strip().removeprefix("✗ ") for line in lines if line.startswith("  ✗ ")]
        counted = _FAILING_COUNT.match(lines[0]) if lines else None
        total = int(counted[1]) if counted else len(names)
        return names + ["…"] * max(0, total - len(names))


@dataclass(frozen=True)
class BugRun:
    """The project's tests run against a copy of the project with one bug planted (lab.toml [[bugs]])."""

    check: str
    file: str
    run: TestRun | None  # None: the bug could not be planted
    problem: str = ""  # why it could not


@dataclass(frozen=True)
class Leftovers:
    """The rows the project's first test run left in its database, read as the app's role."""

    rows: Mapping[str, int]  # table -> rows, migration bookkeeping tables excluded
    problem: str = ""  # why they could not be counted (rows is then empty)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class ProjectRun:
    """One command a check ran in the project (the lab's hidden tests, a type check): through the
    same launcher as the app, so a graded submission's code runs in its jail."""

    command: str
    exit_code: int | None  # None: it ran out of time and was stopped
    output: str  # everything it printed, stdout and stderr interleaved (capped)
    duration_s: float

    @property
    def passed(self) -> bool:
        return self.exit_code == 0
