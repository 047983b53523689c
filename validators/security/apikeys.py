"""API keys that rotate with a grace period and revoke at once, stored only as hashes.

The contract (the lab's README): POST /v1/me/api-keys creates a key, shown once; a request
with `X-API-Key: <key>` is authenticated as its owner; POST /v1/me/api-keys/{id}/rotate
issues a new key, and the old one keeps working for the grace period (an hour), then never;
DELETE /v1/me/api-keys/{id} ends a key at once. The harness moves the app's clock past the
grace period instead of waiting (harness/runner/clock.py), so the app must compare expiry
with its own clock. Sources: OWASP ASVS 5.0 V13.3 (secrets rotation), the REST Security Cheat
Sheet (API keys), NIST SP 800-63B §5.1.1.2 (store a verifier, never the secret).
"""

from __future__ import annotations

from typing import Any

import httpx

from harness import expect
from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.params import Param
from harness.registry import CheckContext, check

from .account_setup import ME, Accounts, Tokens, bearer
from .credentials import rows_mentioning
from .jwt import _confirmed
from .stack_hint import in_stack

KEYS = "/v1/me/api-keys"
# Judged this far on either side of the grace period's end: well above the Date header's
# second of resolution and the request's own time.
MARGIN_S = 120
HINT = ("Store sha256(key) with its owner, an expires_at (NULL while current) and a revoked_at; rotate = a new "
        "key, and expires_at = now + the grace period on the old one; authenticate with")
HINT_NODE = ("`WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`, $2 the app's "
             "clock (new Date()), not the database's now().")
HINT_JAVA = ("`WHERE key_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`, the second ? "
             "the app's clock (Instant.now()), not the database's now(), in a filter before "
             "BearerTokenAuthenticationFilter.")


def _hint(ctx: CheckContext) -> str:
    return in_stack(ctx, HINT, node=HINT_NODE, java=HINT_JAVA)


def _key(ctx: CheckContext, response: httpx.Response, what: str) -> tuple[str, str]:
    expect.status(response, 201, what=what, hint="Answer 201 {id, key}: the key is shown this once.")
    body = expect.json_object(response, what=what)
    key_id, key = body.get("id"), body.get("key")
    if key_id is None or not isinstance(key, str) or len(key) < 22:
        raise expect.fail(response, f"{what}: the answer needs an id and a key of 128+ random bits",
                          expected='{"id": ..., "key": "<22+ characters>"}', hint=_hint(ctx))
    return str(key_id), key


def _as(ctx: CheckContext, key: str) -> httpx.Response:
    return ctx.http.get(ME, headers={"x-api-key": key})


def _works(ctx: CheckContext, key: str, owner: str, message: str) -> None:
    response = _as(ctx, key)
    body: Any = response.json() if response.status_code == 200 else None
    if not isinstance(body, dict) or str(body.get("id")) != owner:
        raise Failure(message, expected=f"200, the member {owner}", actual=describe(response), hint=_hint(ctx),
                      reproduce=curl_for(response.request))


def _refused(ctx: CheckContext, response: httpx.Response, message: str) -> None:
    if response.is_success or response.status_code >= 500:
        raise Failure(message, expected="401", actual=describe(response), hint=_hint(ctx),
                      reproduce=curl_for(response.request))


@check("security.apikeys.rotation", points=3, timeout_s=60, services={"postgres"},
       params=[Param("grace_s", int, 3600, "how long a rotated key keeps working, in seconds")])
def api_keys_rotate_and_revoke(ctx: CheckContext) -> None:
    """API keys work, rotate with a grace period, revoke at once, and are stored only hashed.

    A member creates a key: it authenticates GET /v1/me with X-API-Key, a near miss does not.
    Rotating gives a new key; the old one still works (also just before the grace period ends,
    the app's clock moved) and is refused just after it, while the new one works. Deleting the
    new key ends it at once. Neither raw key appears in any table.
    """
    grace = int(ctx.param("grace_s"))
    account, tokens = Accounts(ctx).member()
    old_id, old = _key(ctx, ctx.http.post(KEYS, json={"name": "ci"}, headers=bearer(tokens.access)),
                       f"POST {KEYS}")
    _works(ctx, old, account.id, "a new API key does not authenticate GET /v1/me (X-API-Key)")
    near_miss = old[:-1] + ("A" if old[-1] != "A" else "B")
    _refused(ctx, _as(ctx, near_miss), "a key that differs from a real one in its last character was accepted")
    rotated = ctx.http.post(f"{KEYS}/{old_id}/rotate", headers=bearer(tokens.access))
    new_id, new = _key(ctx, rotated, f"POST {KEYS}/{{id}}/rotate")
    if new == old or new_id == old_id:
        raise Failure("rotating returned the same key", expected="a new key and id", actual=new, hint=_hint(ctx),
                      reproduce=curl_for(rotated.request))
    _works(ctx, new, account.id, "the rotated (new) key does not authenticate")
    _works(ctx, old, account.id, "right after rotation the old key no longer works: clients need the grace "
           f"period ({grace} s) to switch")
    stored = rows_mentioning(ctx.pg, [old, new])
    if stored:
        table, row = stored[0]
        raise Failure(f"API keys are stored as they are, in {table}: whoever reads the table can use them",
                      expected="only a hash of each key (sha256)", actual=f"{table} row: {str(row)[:200]}",
                      hint=_hint(ctx), reproduce=f"psql \"$DATABASE_URL\" -c 'SELECT * FROM {table}'")
    _grace(ctx, grace, old, new, account.id)
    _revoke(ctx, tokens, new_id, new)


def _grace(ctx: CheckContext, grace: int, old: str, new: str, owner: str) -> None:
    clock = ctx.clock
    try:
        before = grace - MARGIN_S
        clock.shift(before)
        # A 200 needs no confirmation: with the clock not moved yet it would be 200 too.
        _works(ctx, old, owner, f"the old key stopped working before its grace period ended (the app's clock "
               f"moved {before} s after the rotation, the grace period is {grace} s)")
        after = grace + MARGIN_S
        clock.shift(after - before)  # shift() is cumulative
        late = _confirmed(ctx, after, lambda: _as(ctx, old))
        _refused(ctx, late, f"the old key still works {after} s after the rotation: the grace period ({grace} s) "
                       "never ends")
        _works(ctx, new, owner, f"the new key stopped working {after} s after it was issued")
    finally:
        clock.reset()


def _revoke(ctx: CheckContext, tokens: Tokens, key_id: str, key: str) -> None:
    response = ctx.http.delete(f"{KEYS}/{key_id}", headers=bearer(tokens.access))
    expect.status(response, 204, what=f"DELETE {KEYS}/{{id}}", hint="Revoke the key and answer 204.")
    _refused(ctx, _as(ctx, key), "a revoked API key still works: revocation must end it at once, no grace")
