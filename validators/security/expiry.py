"""Expired and not-yet-valid tokens are refused, tested by moving the app's clock (libfaketime).

Row JWT-06 of the security reference: nothing waits 15 minutes. The lab runs the app with
`[app] clock = "faketime"`; this check moves the app's wall clock past the token's exp,
then back, and confirms each move through the app's own Date header before relying on it.
It runs last in the lab and always puts the clock back: in-process rate-limit windows and
TTLs move with the clock too.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from harness.httpclient import curl_for, describe
from harness.outcomes import CannotCheck, Failure
from harness.registry import CheckContext, check

from . import jwt_tools
from .accounts import ME, Accounts, bearer

GRACE_S = 120  # past exp: beyond any clock tolerance an app may allow
NO_EXP_SHIFT_S = 2 * 3600
SETTLE_S = 5.0
FIX = ("Verify tokens with jwt.verify(token, secret, { algorithms: ['HS256'] }) and no ignoreExpiration / "
       "ignoreNotBefore: it refuses a token after exp and before nbf.")


def app_clock_offset(ctx: CheckContext) -> float | None:
    """How far the app's clock is from ours, from its Date header (1 s resolution); None without one."""
    response = ctx.http.get("/health")
    try:
        return parsedate_to_datetime(response.headers["date"]).timestamp() - time.time()
    except (KeyError, TypeError, ValueError):
        return None


def settle(ctx: CheckContext, offset: float) -> None:
    """Wait until the app sees the clock at `offset` (its Date header lags by up to a second)."""
    deadline = time.monotonic() + SETTLE_S
    seen = app_clock_offset(ctx)
    while seen is not None and abs(seen - offset) > 3:
        if time.monotonic() > deadline:
            raise CannotCheck(
                f"the app's clock did not move with libfaketime (asked {offset:+.0f} s, its Date header says "
                f"{seen:+.0f} s): a statically linked binary ignores LD_PRELOAD",
                fix="Build the app dynamically linked (Go: CGO_ENABLED=1), or grade this check by hand.")
        time.sleep(0.2)
        seen = app_clock_offset(ctx)


@check("security.jwt.expiry_enforced", points=3, timeout_s=90)
def expired_tokens_are_rejected(ctx: CheckContext) -> None:
    """Expired access tokens are refused, and so are tokens not yet valid (nbf).

    The harness moves the app's clock 2 minutes past the token's exp (2 hours when there
    is none): GET /v1/me with it must answer 401. A token issued while the clock is ahead
    carries an nbf in the future once the clock is back: if it has nbf, it must be refused.
    """
    clock = ctx.clock
    accounts = Accounts(ctx)
    account, tokens = accounts.member()
    control = ctx.http.get(ME, headers=bearer(tokens.access))
    if control.status_code != 200:
        raise Failure(f"GET {ME} with a fresh access token answered {control.status_code}", expected="200",
                      actual=describe(control), reproduce=curl_for(control.request))
    exp = jwt_tools.claims(tokens.access).get("exp")
    numeric = isinstance(exp, int | float) and not isinstance(exp, bool)
    shift = max(float(exp) - time.time(), 0.0) + GRACE_S if numeric else NO_EXP_SHIFT_S  # type: ignore[arg-type]
    try:
        clock.shift(shift)
        settle(ctx, shift)
        late = ctx.http.get(ME, headers=bearer(tokens.access))
        if late.is_success or late.status_code >= 500:
            cause = (f"{shift:.0f} s later (2 minutes past its exp)" if numeric else
                     f"{shift / 3600:.0f} hours later (the token has no exp, so it never expires)")
            raise Failure(
                f"an expired access token was {'accepted' if late.is_success else 'answered with a crash'}: "
                f"the app's clock was moved {cause}",
                expected="401 once the token is past its exp", actual=describe(late), hint=FIX,
                reproduce=f"faketime '+{shift:.0f}s' node src/server.js, then: {curl_for(late.request)}")
        early = accounts.login(account)
        clock.reset()
        settle(ctx, 0)
        if "nbf" not in jwt_tools.claims(early.access):
            ctx.note("security.jwt.expiry_enforced: tokens carry no nbf claim; the not-yet-valid probe did not apply")
            return
        response = ctx.http.get(ME, headers=bearer(early.access))
        if response.is_success:
            raise Failure(
                f"a token that is not valid yet was accepted: issued with the app's clock {shift:.0f} s ahead, its "
                "nbf is in the future", expected="401 before nbf", actual=describe(response), hint=FIX,
                reproduce=curl_for(response.request))
    finally:
        clock.reset()
