"""Horizontal scale: two instances, no state of their own."""

from __future__ import annotations

from harness import expect
from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..security.account_setup import LOGIN, ME, REFRESH, Accounts, bearer, tokens_from
from .shared import two_instances

FAILED_LOGINS = 10


@check("prod.scale.stateless", points=3, services={"postgres", "redis"}, timeout_s=120)
def instances_share_their_state(ctx: CheckContext) -> None:
    """Two instances behind a balancer share every state: tokens, refresh tokens and rate limits.

    A token issued by one instance works on the other, a refresh token from one is
    refreshed by the other, and failed logins counted on both add up to one limit.
    """
    first, second = two_instances(ctx)
    accounts = Accounts(ctx)
    account = accounts.register()
    login = first.post(LOGIN, json={"email": account.email, "password": account.password})
    expect.status(login, 200, what=f"POST {LOGIN} on instance 1")
    tokens = tokens_from(login, what=f"POST {LOGIN}")
    me = second.get(ME, headers=bearer(tokens.access))
    expect.status(me, 200, what=f"GET {ME} on instance 2 with a token from instance 1",
                  hint="Every instance must verify tokens with the same key (from the environment, not "
                       "generated at start) and keep no session in memory.")
    refreshed = second.post(REFRESH, json={"refresh_token": tokens.refresh})
    expect.status(refreshed, 200, what=f"POST {REFRESH} on instance 2 with a refresh token from instance 1",
                  hint="Keep refresh tokens (their hashes) in PostgreSQL or Redis, not in the process's memory.")

    victim = accounts.register()
    statuses = []
    for attempt in range(FAILED_LOGINS + 3):
        client = (first, second)[attempt % 2]
        response = client.post(LOGIN, json={"email": victim.email, "password": "wrong-" + str(attempt)})
        statuses.append(response.status_code)
        if response.status_code == 429:
            return
    raise Failure(
        f"{FAILED_LOGINS + 3} failed logins for one account, alternating between the two instances, were "
        "never refused",
        expected=f"429 once {FAILED_LOGINS} logins failed within a minute, counted across instances",
        actual=f"statuses: {statuses}",
        hint="Count failed logins in Redis (INCR with EXPIRE), not in each process's memory: with two "
             "instances an in-memory limiter lets twice as many attempts through.",
        reproduce=curl_for(response.request),
    )
