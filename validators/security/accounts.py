"""Login does not tell registered e-mail addresses apart from unknown ones (account enumeration).

Sources: OWASP ASVS 2.2, WSTG-IDNT-04. Shelf's contract: POST /v1/auth/login
answers "401 (same answer for unknown email and wrong password)". An attacker learns which
addresses have accounts from any difference: the status, the body ("no account with that
email" against "wrong password"), or the time, when the app hashes only for a known account
(bcrypt takes tens of milliseconds; an unknown address answered without hashing, 2 ms).
Registration's 409 for a taken e-mail is the lab's stated choice and is not judged here.

Timing is judged against the app's own hashing time, never an absolute one: the medians of
interleaved wrong-password and unknown-account logins may differ by at most half the
median time of a successful login (which certainly hashes), and by more than the samples'
own spread, before the check calls the difference real. A busy machine slows both kinds
alike, because they alternate; the medians ignore the odd stalled request. A real leak
shows in nearly every adjacent pair (one of each kind, taken one after the other), noise in
some pairs only: the gap must also have the same sign in most pairs. And a difference seen
once is measured again on fresh accounts before it becomes a verdict: a burst of load on a
shared machine can stretch several requests of one kind in a row, and a learner's correct
login must not fail for it.

A busy machine only ever adds time, so the lower quartiles of the two kinds stay near what
each kind costs: a hash on one side, none on the other. When the unknown e-mail's median and
lower quartile are both faster by half a hash (and by QUARTILE_FLOOR_S at least), the gap is
the skipped hash even where stalls spread the samples past it and a stalled unknown-account
login broke the separation (seen in CI: a Java app's skipped hash passed, under three test
workers on two cores). Two kinds that both hash keep their lower quartiles together however
the load falls, their requests being interleaved.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from typing import Any

import httpx

from harness.httpclient import curl_for, describe
from harness.outcomes import CannotCheck, Failure, Passed
from harness.registry import CheckContext, check

from ..shelf import values
from .account_setup import LOGIN, Account, Accounts
from .stack_hint import in_stack

CHECK_ID = "security.accounts.no_enumeration"
# Failed logins per known account: below Shelf's limit of 10 per account a minute
# (security.login.rate_limited), so the limiter never answers for the password check.
FAILURES_PER_ACCOUNT = 5
KNOWN_ACCOUNTS = 2
# The share of pairs whose gap must point the way of the medians' gap (7 of 8, 14 of 16).
AGREEING_SHARE = 0.85
# The lower quartiles' gap counts only from here: a fast hash's half is within the scheduler's noise.
QUARTILE_FLOOR_S = 0.010
# Parts of an error body that differ from request to request by design.
VOLATILE_KEYS = frozenset({"instance", "request_id", "requestid", "trace_id", "traceid", "timestamp", "time", "path"})
FIX = ("Answer an unknown e-mail exactly as a wrong password: the same status (401), the same body and "
       "message (\"email or password is wrong\"), and the same work: compare the password against a "
       "dummy hash made once at start-up")
FIX_NODE = "(bcrypt.compare(password, DUMMY_HASH)) when no account has that address."
FIX_JAVA = "(passwordEncoder.matches(password, DUMMY_HASH)) when no account has that address."


@dataclass(frozen=True)
class Timed:
    response: httpx.Response
    seconds: float


def _fix(ctx: CheckContext) -> str:
    return in_stack(ctx, FIX, node=FIX_NODE, java=FIX_JAVA)


def _login(ctx: CheckContext, email: str, password: str) -> Timed:
    started = time.perf_counter()
    response = ctx.http.post(LOGIN, json={"email": email, "password": password})
    return Timed(response, time.perf_counter() - started)


def _scrub(value: Any, email: str) -> Any:
    """The body with the e-mail it names replaced and per-request fields dropped."""
    if isinstance(value, dict):
        return {k: _scrub(v, email) for k, v in value.items() if k.lower() not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_scrub(v, email) for v in value]
    if isinstance(value, str):
        return value.replace(email, "<email>").replace(email.lower(), "<email>")
    return value


def _shape(response: httpx.Response, email: str) -> Any:
    try:
        return _scrub(response.json(), email)
    except ValueError:
        return response.text.replace(email, "<email>")


def answer_difference(unknown: httpx.Response, unknown_email: str,
                      wrong: httpx.Response, known_email: str) -> str | None:
    """How the two answers differ (status, body shape, message), or None when they are the same."""
    if unknown.status_code != wrong.status_code:
        return (f"the status differs: {unknown.status_code} for an unknown e-mail, {wrong.status_code} for a wrong "
                "password")
    a, b = _shape(unknown, unknown_email), _shape(wrong, known_email)
    if a == b:
        return None
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return (f"the body's fields differ: {sorted(a)} for an unknown e-mail, {sorted(b)} for a wrong "
                    "password")
        key = next(k for k in a if a[k] != b[k])
        return (f"the body's {key!r} differs: {json.dumps(a[key])[:120]} for an unknown e-mail, "
                f"{json.dumps(b[key])[:120]} for a wrong password")
    return f"the body differs: {str(a)[:120]!r} for an unknown e-mail, {str(b)[:120]!r} for a wrong password"


def _iqr(samples: list[float]) -> float:
    quartiles = statistics.quantiles(samples, n=4)
    return quartiles[2] - quartiles[0]


@dataclass(frozen=True)
class TimingVerdict:
    unknown_s: float
    wrong_s: float
    hashing_s: float
    spread_s: float
    pairs: int = 0
    agreeing: int = 0  # pairs whose own gap has the sign of the medians' gap
    separated: bool = False  # every sample of one kind beyond every sample of the other, the gap's way
    quartile_gap_s: float = 0.0  # the wrong password's lower quartile less the unknown e-mail's

    @property
    def gap_s(self) -> float:
        return self.wrong_s - self.unknown_s

    @property
    def tells_apart(self) -> bool:
        """A gap of half a hash or more, seen in most pairs, and larger than the samples' own spread
        or with no sample of one kind among the other's. A busy machine spreads the hashing kind's
        times widely (an interquartile range past the gap itself), while the kind that skips the
        hash stays below every one of them: two samples of 8 that never overlap do so by chance once
        in 6,435 draws of identical kinds, and a difference is measured twice before a verdict.
        Or the lower quartiles apart as well as the medians (the module's docstring)."""
        half = self.hashing_s / 2
        spread_beaten = (abs(self.gap_s) >= half and (abs(self.gap_s) > self.spread_s or self.separated)
                         and self.agreeing >= AGREEING_SHARE * self.pairs)
        return spread_beaten or self.quartiles_apart

    @property
    def quartiles_apart(self) -> bool:
        """The unknown e-mail's median and lower quartile both faster by half a hash: the hash it
        skips (a slower unknown e-mail is judged by the rule above alone)."""
        half = max(self.hashing_s / 2, QUARTILE_FLOOR_S)
        return self.gap_s >= half and self.quartile_gap_s >= half

    def describe(self) -> str:
        return (f"median {self.wrong_s * 1000:.1f} ms for a wrong password, {self.unknown_s * 1000:.1f} ms for an "
                f"unknown e-mail (gap {self.gap_s * 1000:+.1f} ms, the same way in {self.agreeing} of "
                f"{self.pairs} pairs; lower quartiles {self.quartile_gap_s * 1000:+.1f} ms apart); a successful "
                f"login, which hashes, takes {self.hashing_s * 1000:.1f} ms; the samples spread by "
                f"{self.spread_s * 1000:.1f} ms")

    def figures(self) -> dict[str, float | int]:
        return {"wrong_median_ms": round(self.wrong_s * 1000, 1), "unknown_median_ms": round(self.unknown_s * 1000, 1),
                "lower_quartiles_gap_ms": round(self.quartile_gap_s * 1000, 1),
                "hashing_ms": round(self.hashing_s * 1000, 1), "spread_ms": round(self.spread_s * 1000, 1),
                "pairs": self.pairs, "agreeing": self.agreeing}


def judge_timing(unknown: list[float], wrong: list[float], successful: list[float]) -> TimingVerdict:
    """Medians and spread; the hashing time is that of a successful login, bounded by the wrong
    password's median (both hash), so one stalled success cannot widen the tolerance.
    `unknown[i]` and `wrong[i]` were taken one after the other: a pair."""
    wrong_s = statistics.median(wrong)
    unknown_s = statistics.median(unknown)
    direction = 1 if wrong_s >= unknown_s else -1
    agreeing = sum(1 for u, w in zip(unknown, wrong, strict=True) if (w - u) * direction > 0)
    slower, faster = (wrong, unknown) if direction > 0 else (unknown, wrong)
    return TimingVerdict(unknown_s, wrong_s, min(statistics.median(successful), wrong_s),
                         max(_iqr(unknown), _iqr(wrong)), len(wrong), agreeing, min(slower) > max(faster),
                         _lower_quartile(wrong) - _lower_quartile(unknown))


def _lower_quartile(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=4)[0]


def _limited(timed: Timed) -> None:
    if timed.response.status_code == 429:
        raise CannotCheck(
            f"POST {LOGIN} answered 429 after fewer than {FAILURES_PER_ACCOUNT + 1} failed logins for one account: "
            "the limiter fires earlier than Shelf's 10 per account a minute, so the two kinds of failure "
            "cannot be compared")


@check(CHECK_ID, points=2, services={"postgres"}, timeout_s=150)
def login_does_not_reveal_which_accounts_exist(ctx: CheckContext) -> Passed:
    """Login answers an unknown e-mail exactly as a wrong password: status, body, message and time.

    Registers two accounts, then alternates wrong-password logins for them with logins for
    e-mail addresses nobody registered (five per account, under the login rate limit). The
    status, the body's fields and its message must be the same (the e-mail itself aside);
    the median times must not differ by half the time of a successful login (which hashes)
    or more. Registration's 409 for a taken e-mail is allowed.
    """
    accounts = Accounts(ctx)
    known: list[Account] = [accounts.register() for _ in range(KNOWN_ACCOUNTS)]
    successful = []
    for account in known:
        right = _login(ctx, account.email, account.password)
        if right.response.status_code != 200:
            raise Failure(f"POST {LOGIN} with the right password answered {right.response.status_code}",
                          expected="200 with the tokens", actual=describe(right.response),
                          reproduce=curl_for(right.response.request))
        successful.append(right.seconds)
    # The first requests of a kind warm caches and code paths; they are compared, not timed.
    first_wrong = _login(ctx, known[0].email, accounts.new_password())
    nobody = values.email(ctx.unique, "nobody")
    first_unknown = _login(ctx, nobody, accounts.new_password())
    _limited(first_wrong)
    problem = answer_difference(first_unknown.response, nobody, first_wrong.response, known[0].email)
    if problem:
        raise Failure(
            f"POST {LOGIN} tells registered e-mail addresses from unknown ones: {problem}",
            expected="the same status, body and message for an unknown e-mail and a wrong password",
            actual=f"unknown e-mail: {describe(first_unknown.response)}\n"
                   f"wrong password: {describe(first_wrong.response)}",
            hint=_fix(ctx),
            reproduce=f"{curl_for(first_unknown.response.request)}\n{curl_for(first_wrong.response.request)}")
    firsts = Firsts(first_wrong, known[0].email, first_unknown, nobody)
    wrong_s, unknown_s = _sample(ctx, accounts, known, firsts)
    timing = judge_timing(unknown_s, wrong_s, successful)
    if timing.tells_apart:
        # Measured again on fresh accounts (the login limit is per account): only a difference
        # that holds over both batches is the app's.
        fresh = [accounts.register() for _ in range(KNOWN_ACCOUNTS)]
        more_wrong, more_unknown = _sample(ctx, accounts, fresh, firsts)
        wrong_s, unknown_s = wrong_s + more_wrong, unknown_s + more_unknown
        timing = judge_timing(unknown_s, wrong_s, successful)
    if timing.tells_apart:
        faster = "an unknown e-mail is answered faster" if timing.gap_s > 0 else "an unknown e-mail is answered slower"
        raise Failure(
            f"POST {LOGIN} tells registered e-mail addresses from unknown ones by its timing: {faster} "
            f"({abs(timing.gap_s) * 1000:.0f} ms apart in the median, over {len(wrong_s)} attempts of each)",
            expected="the same work for both: a password comparison against a dummy hash when the e-mail is unknown",
            actual=timing.describe(), hint=_fix(ctx),
            reproduce=f"time {curl_for(first_unknown.response.request)}\ntime {curl_for(first_wrong.response.request)}",
            evidence=timing.describe(), figures=timing.figures())
    return Passed(f"the same answer for both, and no timing gap: {timing.describe()}", figures=timing.figures())


@dataclass(frozen=True)
class Firsts:
    """The first failed login of each kind, and the e-mail each was for: every later answer is
    compared with the first of the other kind."""

    wrong: Timed
    wrong_email: str
    unknown: Timed
    unknown_email: str


def _sample(ctx: CheckContext, accounts: Accounts, known: list[Account], firsts: Firsts) -> tuple[list[float],
                                                                                                   list[float]]:
    """Wrong-password and unknown-account logins in adjacent pairs: the seconds of each kind, pair by pair."""
    wrong_s: list[float] = []
    unknown_s: list[float] = []
    for round_ in range(FAILURES_PER_ACCOUNT - 1):
        for index, account in enumerate(known):
            password = accounts.new_password()
            # ABBA order: neither kind always goes first, nor always to the same instance
            # behind a round-robin balancer.
            wrong_first = (round_ + index) % 2 == 0
            for is_wrong in (wrong_first, not wrong_first):
                if is_wrong:
                    timed = _login(ctx, account.email, password)
                    _limited(timed)
                    wrong_s.append(timed.seconds)
                    problem = answer_difference(firsts.unknown.response, firsts.unknown_email, timed.response,
                                                 account.email)
                else:
                    email = values.email(ctx.unique, "nobody")
                    timed = _login(ctx, email, password)
                    unknown_s.append(timed.seconds)
                    problem = answer_difference(timed.response, email, firsts.wrong.response, firsts.wrong_email)
                if problem:
                    raise Failure(
                        f"POST {LOGIN} answers the same kind of failed login differently from one attempt to "
                        f"the next: {problem}",
                        expected="401 with one body for every failed login", actual=describe(timed.response),
                        hint=_fix(ctx), reproduce=curl_for(timed.response.request))
    return wrong_s, unknown_s
