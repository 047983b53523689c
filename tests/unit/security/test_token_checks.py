"""The token checks against FakeShelf: they pass a correct app and name each planted bug."""

from __future__ import annotations

from typing import Any

import pytest

from harness.outcomes import Failure
from harness.registry import CheckContext
from harness.validators.security.jwt import (
    access_tokens_are_short_lived,
    expired_tokens_are_rejected,
    forged_tokens_are_rejected,
)

from .fake_shelf import DECODE_ONLY, IGNORE_EXP, KEY_CONFUSION, VERIFY, FakeShelf
from .test_jwt_tools import RSA_JWK, RSA_PEM


class Refreshing(FakeShelf):
    """Adds POST /v1/auth/refresh (a new pair), which the lifetime check also decodes."""

    def _route(self, method: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        if (method, path) == ("POST", "/v1/auth/refresh"):
            first = next(iter(self.members.values()))
            return super()._route("POST", "/v1/auth/login", first, headers)
        return super()._route(method, path, body, headers)


def context(app: FakeShelf, **params: Any) -> tuple[CheckContext, list[str]]:
    notes: list[str] = []
    ctx = CheckContext(http=app, app=None, run_id="rtest", seed=7, params=params,  # type: ignore[arg-type]
                       clock_control=app.clock, note=notes.append)
    return ctx, notes


def test_signature_check_passes_a_verifying_app() -> None:
    ctx, _ = context(FakeShelf(VERIFY))
    forged_tokens_are_rejected(ctx)


def test_signature_check_catches_decode_only() -> None:
    ctx, _ = context(FakeShelf(DECODE_ONLY))
    with pytest.raises(Failure) as info:
        forged_tokens_are_rejected(ctx)
    failure = info.value
    assert "forged access token was accepted" in failure.message
    assert failure.reproduce is not None and failure.reproduce.startswith("curl")
    assert failure.hint is not None and "jwt.verify" in failure.hint


def test_signature_check_catches_a_tutorial_secret() -> None:
    app = FakeShelf(VERIFY)
    app.secret = b"your-256-bit-secret"
    ctx, _ = context(app)
    with pytest.raises(Failure, match="your-256-bit-secret"):
        forged_tokens_are_rejected(ctx)


def test_rs256_app_is_probed_with_its_published_key() -> None:
    ctx, notes = context(FakeShelf(VERIFY, rs256=(RSA_JWK, RSA_PEM)))
    forged_tokens_are_rejected(ctx)
    assert notes == []  # the key was found, so the confusion probe ran
    ctx, _ = context(FakeShelf(KEY_CONFUSION, rs256=(RSA_JWK, RSA_PEM)))
    with pytest.raises(Failure, match="alg confusion: HS256 with the public key as PEM"):
        forged_tokens_are_rejected(ctx)


class Unpublished(FakeShelf):
    """An RS256 app that publishes no public key."""

    def _route(self, method: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        if path.endswith("jwks.json"):
            return 404, {"status": 404}
        return super()._route(method, path, body, headers)


def test_rs256_without_a_published_key_is_noted() -> None:
    ctx, notes = context(Unpublished(VERIFY, rs256=(RSA_JWK, RSA_PEM)))
    forged_tokens_are_rejected(ctx)
    assert len(notes) == 1 and "key-confusion probe did not run" in notes[0]


def test_expiry_check_moves_the_clock_and_puts_it_back() -> None:
    app = FakeShelf(VERIFY)
    ctx, notes = context(app)
    expired_tokens_are_rejected(ctx)
    assert app.clock.offset_s == 0 and notes == []


def test_expiry_check_catches_ignored_expiry_and_still_resets_the_clock() -> None:
    app = FakeShelf(IGNORE_EXP)
    ctx, _ = context(app)
    with pytest.raises(Failure, match="expired access token was accepted"):
        expired_tokens_are_rejected(ctx)
    assert app.clock.offset_s == 0


def test_lifetime_policy_is_a_lab_param() -> None:
    ctx, _ = context(Refreshing(VERIFY, lifetime_s=900), max_access_s=900)
    access_tokens_are_short_lived(ctx)
    ctx, _ = context(Refreshing(VERIFY, lifetime_s=3600), max_access_s=900)
    with pytest.raises(Failure, match="lives 60 minutes"):
        access_tokens_are_short_lived(ctx)
