"""prod.load.rps waits a bounded time for the machine's other work to quiet down, and says so."""

from __future__ import annotations

from harness.validators.production.load import wait_for_quiet


def test_a_quiet_enough_machine_is_not_waited_for() -> None:
    notes: list[str] = []
    outside = wait_for_quiet(notes.append, wait_s=60, limit=float("inf"))
    assert outside >= 0 and notes == []


def test_a_machine_that_never_quiets_down_is_waited_for_no_longer_than_the_bound_and_noted() -> None:
    notes: list[str] = []
    wait_for_quiet(notes.append, wait_s=2, limit=-1.0)  # nothing is ever under -1%: waits out the bound
    assert len(notes) == 1
    assert "to quiet down" in notes[0] and "the load ran anyway" in notes[0]
