"""Injection and XSS probes: harmless on login, and stored markup only ever served as JSON.

After OWASP WSTG-INPV-05 (SQL injection) and the XSS Prevention Cheat Sheet. SQL payloads go through the login's
e-mail and password; the statements they run are compared with those of an ordinary
failed login in pg_stat_statements (a new statement shape means input became SQL). Stored
markup is read back everywhere it shows up: it may only come back inside JSON (whose
nosniff protection security.headers.hardened holds), never as HTML.
"""

from __future__ import annotations

import re
from functools import partial

import httpx

from harness.httpclient import curl_for, describe
from harness.introspect.statements import observe, require_statements
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from ..shelf import values
from ..shelf.api import ShelfApi
from .account_setup import ME, Account, Accounts, bearer
from .stack_hint import in_stack

SQL_PAYLOADS = ("'", "' OR '1'='1", "' OR '1'='1' --", "x' OR 1=1--", '") OR ("1"="1', "'; SELECT pg_sleep(2)--")
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
INJECTED = re.compile(r"\bor\b|--|pg_sleep|\bunion\b|;|/\*", re.IGNORECASE)
SQL_FIX = "Look the account up with a bound parameter:"
SQL_FIX_NODE = ("pool.query('SELECT ... FROM members WHERE email = $1', [email]); never build SQL from the request "
                "with + or a template literal.")
SQL_FIX_JAVA = ("a Spring Data method (findByEmailIgnoreCase(email)), or a query with :email bound by "
                "setParameter; never build SQL or JPQL from the request with +.")


def is_json(response: httpx.Response) -> bool:
    media = str(response.headers.get("content-type", "")).split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _sql_probes(ctx: CheckContext, accounts: Accounts) -> None:
    victim = accounts.register()
    wrong = "wrong-password-" + ctx.run_id
    known: set[str] = set()
    for email in (accounts.new_email("nobody"), victim.email):
        _, window = observe(ctx.pg, partial(accounts.login_raw, email, wrong))
        known |= window.shapes
    probes = [(f"email {p!r}", p, wrong) for p in SQL_PAYLOADS]
    probes += [(f"email {victim.email + p!r}", victim.email + p, wrong) for p in SQL_PAYLOADS[1:3]]
    probes += [(f"password {p!r}", victim.email, p) for p in SQL_PAYLOADS[1:4]]
    for where, email, password in probes:
        response, window = observe(ctx.pg, partial(accounts.login_raw, email, password))
        # Only shapes that carry injected syntax count: an app may legitimately start running a
        # new statement after a few failures (an account lock-out), which is no injection.
        new = sorted(shape for shape in window.shapes - known if INJECTED.search(shape))
        # No timing rule for the pg_sleep payload: a statement that sleeps is a new shape, and
        # a wall-clock threshold would flake on a loaded machine.
        problem = ("logged in: an injection bypassed the password" if response.is_success else
                   f"the payload broke the login ({response.status_code})" if response.status_code >= 500 else
                   f"a new statement shape ran:\n  {new[0]}" if new else None)
        if problem:
            raise Failure(f"SQL injection through the login's {where}: {problem}",
                          expected="401, and the same statements as an ordinary failed login",
                          actual=describe(response), hint=in_stack(ctx, SQL_FIX, node=SQL_FIX_NODE, java=SQL_FIX_JAVA),
                          reproduce=curl_for(response.request))


def _stored(ctx: CheckContext, response: httpx.Response, read: str) -> list[httpx.Response]:
    """Read back what was stored; an app that refuses markup (4xx) has nothing to read, which is fine."""
    if not response.is_success:
        return []
    try:
        created = response.json()
    except ValueError:
        return []
    if not isinstance(created, dict) or "id" not in created:
        return []
    return [ctx.http.get(read.format(id=created["id"]))]


def _xss_probes(ctx: CheckContext, accounts: Accounts) -> None:
    _, admin = accounts.admin()
    as_admin = bearer(admin.access)
    author = ShelfApi(ctx, headers=as_admin).author()
    reads = _stored(ctx, ctx.http.post("/v1/authors", json={"name": IMG}, headers=as_admin), "/v1/authors/{id}")
    book = {"title": SCRIPT, "isbn": values.isbn13(ctx.unique), "year": 2001, "author_id": author.id, "tags": [IMG],
            "copies_total": 1}
    reads += _stored(ctx, ctx.http.post("/v1/books", json=book, headers=as_admin), "/v1/books/{id}")
    email, password = accounts.new_email("xss"), accounts.new_password()
    registered = accounts.register_raw({"email": email, "password": password, "name": IMG})
    if registered.is_success:
        reader = accounts.login(Account(email, password, IMG, "", {}, registered))
        reads.append(ctx.http.get(ME, headers=bearer(reader.access)))
    reads += [
        ctx.http.get("/v1/books", params={"q": SCRIPT}),
        ctx.http.get("/v1/books", params={"tag": IMG}),
        ctx.http.get(f"/v1/{IMG}"),
        accounts.login_raw(IMG, IMG),
    ]
    for response in reads:
        if (IMG in response.text or SCRIPT in response.text) and not is_json(response):
            raise Failure(
                f"{response.request.method} {response.request.url.path} serves stored or reflected markup as "
                f"{response.headers.get('content-type') or 'an untyped body'}: a browser would run it",
                expected="application/json (or problem+json) for every answer that carries user input",
                actual=describe(response), reproduce=curl_for(response.request),
                hint=in_stack(ctx, "Answer with", node="res.json(...) (or res.type('application/problem+json')"
                              ".json(...)); never send user input in text/html, and escape it in any HTML you do "
                              "serve.",
                              java="a @RestController's records (or a ProblemDetail) as JSON; never send user input "
                                   "in text/html, and escape it in any HTML you do serve."))


@check("security.injection.harmless", points=2, services={"postgres"}, timeout_s=120)
def injection_probes_are_harmless(ctx: CheckContext) -> None:
    """SQL injection and XSS payloads do nothing: no login bypass, no 500, markup only in JSON.

    Login with payloads such as ' OR '1'='1 in the e-mail or the password must answer 401
    and run the same statement shapes as an ordinary failed login (pg_stat_statements), a
    pg_sleep payload must not delay it. Stored <img src=x onerror=...> and <script> in an
    author, a book and a member name, and reflected in a URL, come back only as JSON.
    """
    require_statements(ctx.pg)
    accounts = Accounts(ctx)
    _sql_probes(ctx, accounts)
    _xss_probes(ctx, accounts)

