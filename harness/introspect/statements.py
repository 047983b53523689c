"""Watching which SQL statements a request causes, through pg_stat_statements."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from harness.introspect.pg import PgProbe, Statement, shape
from harness.outcomes import CannotCheck, Failure

T = TypeVar("T")
SETTLE_S = 1.0  # seconds at most for the app's connections to go idle after an action


@dataclass(frozen=True)
class Window:
    """What ran while one action ran (the app's role and database only)."""

    statements: list[Statement]

    @property
    def calls(self) -> int:
        return sum(s.calls for s in self.statements)

    @property
    def shapes(self) -> set[str]:
        return {shape(s.query) for s in self.statements}

    def touching(self, table: str) -> list[Statement]:
        word = table.lower()
        return [s for s in self.statements if word in s.query.lower()]


def require_statements(pg: PgProbe) -> None:
    if not pg.has_pg_stat_statements():
        problem = getattr(pg, "statements_problem", None) or "pg_stat_statements is not available"
        raise CannotCheck(
            problem,
            fix="Use --services local or docker (the harness enables it), or start your server with "
                "shared_preload_libraries=pg_stat_statements; the harness installs the extension in a schema of "
                "its own (harness_stats), which needs a superuser --postgres-url.",
        )


def require_tables(pg: PgProbe, *tables: str) -> None:
    """The tables a check finds statements by (Window.touching) are there by those names: without
    them, "no statement reads books" would hold of any app, and the check would measure nothing."""
    missing = [table for table in tables if pg.relation(table) is None]
    if missing:
        raise Failure(
            f"the app's database has no table named {', '.join(missing)}: this check counts the statements "
            "that read it",
            expected=f"the tables the lab's contract names ({', '.join(tables)}), as the app's search_path finds them",
            hint="Name the tables as the lab's README (the Shelf contract) does: the harness inspects them by name.",
        )


def observe(pg: PgProbe, action: Callable[[], T]) -> tuple[T, Window]:
    """Run `action` and return what it made the app execute.

    Checks run one at a time and the app's role runs nothing else meanwhile, so the
    difference between two snapshots is exactly the action's statements.
    """
    before = pg.statements()
    outcome = action()
    settle(pg)
    after = pg.statements()
    return outcome, Window(PgProbe.delta(before, after))


def settle(pg: PgProbe, budget_s: float = SETTLE_S, sleep: Callable[[float], None] = time.sleep) -> None:
    """Wait (briefly) until the app has finished what the action started. Some frameworks
    answer first and end the request's transaction afterwards (FastAPI closes a yield
    dependency after the response by default): without this, the tail of one action's
    statements would be counted in the next window."""
    deadline = time.monotonic() + budget_s
    while pg.app_busy() and time.monotonic() < deadline:
        sleep(0.01)
