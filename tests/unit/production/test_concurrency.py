"""prod.concurrency.loans's verdict: exactly the copies lent, the rest told "sold out"."""

from __future__ import annotations

from harness.validators.production.concurrency import COPIES, MEMBERS, sold_exactly


def test_five_loans_and_fifteen_sold_out_is_right() -> None:
    assert sold_exactly([201] * COPIES + [409] * (MEMBERS - COPIES), 0, COPIES)


def test_an_oversell_or_a_lost_update_is_caught() -> None:
    assert not sold_exactly([201] * 8 + [409] * 12, 0, 8)  # more loans than copies
    assert not sold_exactly([201] * 8 + [409] * 12, 2, 8)  # lost updates: copies left over
    assert not sold_exactly([201] * COPIES + [409] * (MEMBERS - COPIES), 1, COPIES)


def test_failures_on_one_instance_are_no_success() -> None:
    # Five loans through the instance that accepts the tokens, 401 on the other: not a pass.
    statuses = [201] * COPIES + [409] * 5 + [401] * 10
    assert not sold_exactly(statuses, 0, COPIES)
    assert not sold_exactly([201] * COPIES + [500] * (MEMBERS - COPIES), 0, COPIES)
