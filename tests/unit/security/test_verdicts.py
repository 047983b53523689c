"""Pure verdicts of the CORS, header, exposure and rate-limit checks."""

from __future__ import annotations

from email.utils import formatdate

import httpx
import pytest

from harness.validators.security.cors import (
    ALLOWED,
    granted_problem,
    lookalikes,
    preflight_problem,
    refused_problem,
)
from harness.validators.security.data import findings
from harness.validators.security.headers import header_problems, no_store_problem, referrer_policy
from harness.validators.security.login import retry_after_problem

HELMET = httpx.Headers({
    "content-security-policy": "default-src 'self';base-uri 'self';frame-ancestors 'self';object-src 'none'",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
})


# -- CORS -----------------------------------------------------------------------------

def test_lookalikes_of_the_shelf_origin() -> None:
    assert lookalikes(ALLOWED) == ["https://evil.example", "null", "https://app.shelf.test.evil.test",
                                   "https://evilapp.shelf.test", "http://app.shelf.test"]


def test_allowed_origin_echoed_with_vary_passes() -> None:
    headers = httpx.Headers({"Access-Control-Allow-Origin": ALLOWED, "Vary": "Accept-Encoding, Origin",
                             "Access-Control-Allow-Credentials": "true"})
    assert granted_problem(ALLOWED, headers) is None


@pytest.mark.parametrize(("headers", "words"), [
    ({}, "no Access-Control-Allow-Origin"),
    ({"Access-Control-Allow-Origin": "*"}, "grants every origin"),
    ({"Access-Control-Allow-Origin": "https://other.test", "Vary": "Origin"}, "not the requesting origin"),
    ({"Access-Control-Allow-Origin": ALLOWED}, "Vary: Origin"),
])
def test_allowed_origin_problems(headers: dict[str, str], words: str) -> None:
    problem = granted_problem(ALLOWED, httpx.Headers(headers))
    assert problem is not None and words in problem


@pytest.mark.parametrize("origin", lookalikes(ALLOWED))
def test_reflected_foreign_origin_is_refused(origin: str) -> None:
    reflected = httpx.Headers({"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true"})
    problem = refused_problem(origin, reflected)
    assert problem is not None and "reflected" in problem and "Credentials: true" in problem
    assert refused_problem(origin, httpx.Headers({})) is None
    # A fixed allowlisted value is not a grant to the foreign origin: the browser rejects it.
    assert refused_problem(origin, httpx.Headers({"Access-Control-Allow-Origin": ALLOWED})) is None


def test_wildcard_is_refused_for_foreign_origins() -> None:
    problem = refused_problem("https://evil.example", httpx.Headers({"Access-Control-Allow-Origin": "*"}))
    assert problem is not None and "every origin" in problem


@pytest.mark.parametrize(("headers", "ok"), [
    ({"Access-Control-Allow-Methods": "GET,POST,PATCH,DELETE",
      "Access-Control-Allow-Headers": "Authorization,Content-Type"}, True),
    ({"Access-Control-Allow-Headers": "authorization"}, True),
    ({"Access-Control-Allow-Methods": "GET,POST", "Access-Control-Allow-Headers": "Authorization"}, False),
    ({"Access-Control-Allow-Methods": "*", "Access-Control-Allow-Headers": "*"}, False),  # * never covers Authorization
])
def test_preflight(headers: dict[str, str], ok: bool) -> None:
    assert (preflight_problem(httpx.Headers(headers)) is None) is ok


# -- headers --------------------------------------------------------------------------

def test_helmet_defaults_pass() -> None:
    assert header_problems(HELMET) == []
    assert header_problems(HELMET, html=True) == []


def test_bare_express_fails_on_every_count() -> None:
    problems = header_problems(httpx.Headers({"X-Powered-By": "Express", "Server": "nginx/1.25.3"}))
    joined = "\n".join(problems)
    for words in ("nosniff", "framing", "Referrer-Policy", "X-Powered-By", "version"):
        assert words in joined
    assert len(problems) == 5


def test_framing_by_csp_alone_and_html_without_csp() -> None:
    only_csp = httpx.Headers({"x-content-type-options": "nosniff", "referrer-policy": "same-origin",
                              "content-security-policy": "frame-ancestors 'none'"})
    assert header_problems(only_csp) == []
    wildcard = httpx.Headers({**only_csp, "content-security-policy": "frame-ancestors *"})
    assert any("framing" in p for p in header_problems(wildcard))
    no_csp = httpx.Headers({"x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
                            "x-frame-options": "DENY"})
    assert header_problems(no_csp) == [] and header_problems(no_csp, html=True) == [
        "an HTML answer without a Content-Security-Policy"]


def test_referrer_policy_uses_the_last_known_token() -> None:
    assert referrer_policy("no-referrer, strict-origin-when-cross-origin") == "strict-origin-when-cross-origin"
    assert referrer_policy("unsafe-url") == "unsafe-url"
    assert referrer_policy("made-up") is None
    assert any("unsafe-url" in p for p in header_problems(httpx.Headers({**HELMET, "referrer-policy": "unsafe-url"})))


def test_no_store() -> None:
    assert no_store_problem(httpx.Headers({"Cache-Control": "no-store"})) is None
    assert no_store_problem(httpx.Headers({"Cache-Control": "private, no-store, max-age=0"})) is None
    problem = no_store_problem(httpx.Headers({"Cache-Control": "no-cache"}))
    assert problem is not None and "no-cache" in problem


# -- exposure -------------------------------------------------------------------------

HASH = "$2b$11$abcdefghijklmnopqrstuuOrL0bL7KhXk3J9yN0Yq4mK0mE4hBq9Fe"


def test_clean_member_and_token_answers_pass() -> None:
    assert findings({"id": "7", "email": "a@b.test", "name": "A", "role": "member"}, [HASH]) == []
    assert findings({"access_token": "eyJ.x.y", "refresh_token": "r4nd0m", "token_type": "Bearer",
                     "expires_in": 900}, [HASH]) == []


def test_secret_keys_in_any_spelling_nested() -> None:
    body = {"items": [{"member": {"passwordHash": "x"}}, {"PASSWORD_HASH": "y"}, {"salt": "z"}, {"password": None}]}
    found = findings(body)
    assert found == ["$.items[0].member.passwordHash: a field named like a secret",
                     "$.items[1].PASSWORD_HASH: a field named like a secret",
                     "$.items[2].salt: a field named like a secret"]


def test_hash_values_under_innocent_keys() -> None:
    assert findings({"data": [HASH]}, [HASH]) == ["$.data[0]: the stored password hash (or the password itself)"]
    found = findings({"blob": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g"})
    assert len(found) == 1 and "shaped like a password hash" in found[0]


# -- Retry-After ----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "ok"), [
    ("60", True), ("1", True), ("0", False), ("86400", False), (None, False), ("soon", False),
])
def test_retry_after_seconds(value: str | None, ok: bool) -> None:
    assert (retry_after_problem(value, now=1_000_000.0) is None) is ok


def test_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    assert retry_after_problem(formatdate(now + 90, usegmt=True), now) is None
    problem = retry_after_problem(formatdate(now - 90, usegmt=True), now)
    assert problem is not None and "no wait" in problem
