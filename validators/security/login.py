"""Brute-force protection on login: 429 with Retry-After, keyed by account and peer.

After OWASP ASVS 2.2.1 and the Authentication Cheat Sheet (login throttling): the limiter must fire for one
account within a burst of failures, say when to come back, and must not be keyed by a
header the client writes (X-Forwarded-For, X-Real-IP, Forwarded), which the harness
changes on every attempt.
"""

from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime

import httpx

from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.params import Param
from harness.registry import CheckContext, check

from .account_setup import LOGIN, Accounts
from .stack_hint import in_stack

MAX_RETRY_AFTER_S = 3600
FIX = "Count failed logins per account and peer (the socket address, never X-Forwarded-For):"
FIX_NODE = ("express-rate-limit with keyGenerator: (req) => `${email}|${req.socket.remoteAddress}`, "
            "skipSuccessfulRequests: true, limit: 10, windowMs: 60_000; it sends 429 with Retry-After.")
FIX_JAVA = ("the failure times per email + \"|\" + request.getRemoteAddr() (Tomcat reads X-Forwarded-For only with "
            "server.forward-headers-strategy, behind a proxy you run), 10 within a minute, then 429 with Retry-After.")


def retry_after_problem(value: str | None, now: float) -> str | None:
    """What is wrong with a Retry-After header (RFC 9110 §10.2.3), or None."""
    if value is None:
        return "the 429 has no Retry-After header, so clients cannot know when to try again"
    text = value.strip()
    if re.fullmatch(r"\d+", text):
        seconds = int(text)
    else:
        try:
            seconds = round(parsedate_to_datetime(text).timestamp() - now)
        except (TypeError, ValueError):
            return f"Retry-After: {value} is neither a number of seconds nor an HTTP date"
    if seconds <= 0:
        return f"Retry-After: {value} asks for no wait at all"
    if seconds > MAX_RETRY_AFTER_S:
        return f"Retry-After: {value} locks the account out for more than an hour"
    return None


def _spoofed(index: int) -> dict[str, str]:
    address = f"203.0.113.{index % 250 + 1}"
    return {"x-forwarded-for": address, "x-real-ip": address, "forwarded": f"for={address}"}


@check("security.login.rate_limited", points=3, timeout_s=150, params=[
    Param("max_failures", int, 10, "the wrong passwords for one account after which a 429 is due")])
def failed_logins_are_rate_limited(ctx: CheckContext) -> None:
    """Failed logins for one account get 429 with Retry-After, whatever X-Forwarded-For says.

    Wrong passwords for one account, each with a different X-Forwarded-For / X-Real-IP /
    Forwarded value, must meet a 429 within max_failures + 5 attempts (Shelf: after 10),
    with a valid Retry-After; every attempt before it is a plain 401. Another account
    logging in from the same client is not locked out by it.
    """
    limit: int = ctx.param("max_failures")
    attempts = limit + 5
    accounts = Accounts(ctx)
    fix = in_stack(ctx, FIX, node=FIX_NODE, java=FIX_JAVA)
    target, bystander = accounts.register(), accounts.register()
    limited: httpx.Response | None = None
    for index in range(1, attempts + 1):
        response = accounts.login_raw(target.email, f"wrong-{index}-{target.password}", headers=_spoofed(index))
        if response.status_code == 429:
            limited = response
            break
        if response.status_code != 401:
            raise Failure(f"a wrong password answered {response.status_code}, not 401", expected="401",
                          actual=describe(response), reproduce=curl_for(response.request),
                          hint="Answer 401 with the same body for an unknown e-mail and a wrong password.")
    if limited is None:
        # Tell the two usual causes apart: no limiter, or a limiter keyed by the spoofed header.
        probe = accounts.register()
        plain = [accounts.login_raw(probe.email, f"wrong-{i}").status_code for i in range(attempts)]
        trusts_header = 429 in plain
        raise Failure(
            (f"the login limiter trusts X-Forwarded-For: with a new value on each attempt it never fired "
             f"({attempts} failures), without the header it did" if trusts_header else
             f"no 429 after {attempts} failed logins for one account within seconds: passwords can be "
             "brute-forced"),
            expected=f"429 with Retry-After once {limit} logins failed (the check waits up to the {attempts}th "
                     "attempt), whatever X-Forwarded-For says",
            actual=describe(response), hint=fix, reproduce=curl_for(response.request))
    problem = retry_after_problem(limited.headers.get("retry-after"), time.time())
    if problem:
        raise Failure(problem, expected="Retry-After: <seconds> on every 429", actual=describe(limited),
                      hint=fix, reproduce=curl_for(limited.request))
    other = accounts.login_raw(bystander.email, bystander.password)
    if other.status_code == 429:
        raise Failure(
            "one account's failed logins locked another account out from the same client",
            expected=f"200 for {bystander.email}: the limit is per account (and peer)",
            actual=describe(other), hint=fix, reproduce=curl_for(other.request))
    if other.status_code != 200:
        raise Failure(f"POST {LOGIN} with the right password answered {other.status_code}", expected="200",
                      actual=describe(other), reproduce=curl_for(other.request))
