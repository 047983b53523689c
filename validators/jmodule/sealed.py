"""Event and Ledger: a sealed interface of records, replayed with pattern matching."""

from __future__ import annotations

from harness.outcomes import Passed
from harness.registry import CheckContext, check

from .maven_suite import judge


@check("jmodule.sealed.events", points=2, needs_app=False, timeout_s=300)
def sealed_events(ctx: CheckContext) -> Passed:
    """Event permits exactly four records, and Ledger replays and describes them.

    Runs the hidden LedgerTest with the project's Maven: Event sealed to Added, Borrowed,
    Returned and Lost, each a record; describe gives the README's sentence per kind; onShelf
    replays the events in order into the copies on the shelf per ISBN (a lost copy never comes
    back, nor can it be returned later) and throws IllegalStateException for a borrow with no copy
    left, or a return or loss by a member who holds no copy; it takes a List<Event.Added> too.
    """
    return judge(ctx, ("LedgerTest",), "Event and Ledger", hint=(
        "Branch on the kind with `if (event instanceof Event.Borrowed b)` (Java 17) and keep the copies "
        "each member holds: a Lost event ends a loan without putting the copy back."))
