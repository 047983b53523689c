"""security.jwt.expiry_enforced takes a refusal as final at once and confirms the app's clock
(through its Date header) only before it fails an app or gives up on it."""

from __future__ import annotations

from typing import Any

import pytest

from harness.outcomes import CannotCheck, Failure
from harness.registry import CheckContext
from harness.validators.security import jwt as jwt_check
from harness.validators.security import jwt_tools

from .fake_shelf import IGNORE_EXP, VERIFY, FakeShelf, ShiftingClock


def context(app: FakeShelf, clock: ShiftingClock | None = None) -> CheckContext:
    return CheckContext(http=app, app=None, run_id="rtest", seed=7, params={},  # type: ignore[arg-type]
                        clock_control=clock or app.clock, note=lambda _: None)


def recording_settle(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The offsets the check confirmed, still confirmed for real."""
    settled: list[float] = []
    real = jwt_check.settle

    def settle(ctx: CheckContext, offset: float) -> None:
        settled.append(offset)
        real(ctx, offset)

    monkeypatch.setattr(jwt_check, "settle", settle)
    return settled


class IgnoresNbf(FakeShelf):
    """Refuses expired tokens but takes one whose nbf is still in the future."""

    def _caller(self, authorization: str) -> dict[str, Any] | None:
        parsed = jwt_tools.parse(authorization.removeprefix("Bearer "))
        if not self._valid_signature(parsed) or parsed.payload.get("exp", 0) <= self.now():
            return None
        payload: dict[str, Any] = parsed.payload
        return payload


def test_a_correct_app_is_never_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    settled = recording_settle(monkeypatch)
    app = FakeShelf(VERIFY)
    jwt_check.expired_tokens_are_rejected(context(app))
    assert settled == [] and app.clock.offset_s == 0


def test_an_accepted_expired_token_fails_once_the_clock_is_confirmed(monkeypatch: pytest.MonkeyPatch) -> None:
    settled = recording_settle(monkeypatch)
    app = FakeShelf(IGNORE_EXP)
    with pytest.raises(Failure, match="expired access token was accepted"):
        jwt_check.expired_tokens_are_rejected(context(app))
    assert len(settled) == 1 and settled[0] > 0 and app.clock.offset_s == 0


def test_an_accepted_early_token_fails_once_the_clock_is_back(monkeypatch: pytest.MonkeyPatch) -> None:
    settled = recording_settle(monkeypatch)
    app = IgnoresNbf(VERIFY)
    with pytest.raises(Failure, match="not valid yet was accepted"):
        jwt_check.expired_tokens_are_rejected(context(app))
    assert settled == [0] and app.clock.offset_s == 0


def test_an_app_whose_clock_does_not_move_cannot_be_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness moves a clock the app does not read (a static binary ignores libfaketime):
    the token stays valid, and the Date header never shows the move."""
    monkeypatch.setattr(jwt_check, "SETTLE_S", 0.3)
    harness_clock = ShiftingClock()
    with pytest.raises(CannotCheck, match="did not move with libfaketime"):
        jwt_check.expired_tokens_are_rejected(context(FakeShelf(VERIFY), harness_clock))
    assert harness_clock.offset_s == 0
