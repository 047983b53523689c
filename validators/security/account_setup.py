"""Accounts for the security checks: register, log in, and make an admin through the database.

Shelf's Accounts contract (SHELF.md): POST /v1/auth/register {email, password, name},
POST /v1/auth/login -> {access_token, refresh_token, token_type, expires_in}. Admins
cannot be created through the API (that would be the mass-assignment hole the checks
look for), so the harness promotes an account itself: `UPDATE <users|members> SET role =
'admin'` on the table that has the e-mail and a `role` column, found by introspection.
Every helper asserts the contract of the call it makes, so a check that builds its
accounts on a broken route fails with that route's own message, never with a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
from psycopg import sql

from harness import expect
from harness.outcomes import Failure
from harness.registry import CheckContext

from ..shelf import values
from ..shelf.refused import setup_failure

REGISTER = "/v1/auth/register"
LOGIN = "/v1/auth/login"
REFRESH = "/v1/auth/refresh"
LOGOUT = "/v1/auth/logout"
ME = "/v1/me"
ACCOUNT_TABLES = ("users", "members")


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    name: str
    id: str
    body: dict[str, Any]
    response: httpx.Response


@dataclass(frozen=True)
class Tokens:
    access: str
    refresh: str
    body: dict[str, Any]
    response: httpx.Response


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _needs(what: str, response: httpx.Response, payload: Mapping[str, Any] | None, failure: Failure) -> Failure:
    """Says truly why the account this check needs is missing: data refused, or a route not working."""
    if payload is None and response.status_code in (401, 403, 422):
        failure.message = (f"this check needs {what} to succeed with the right password, and the app refused it "
                           f"({response.status_code}): {failure.message}")
        return failure
    return setup_failure(response, what, payload, failure)


class Accounts:
    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.http = ctx.http

    def new_password(self) -> str:
        # Long, unique and free of JSON/SQL metacharacters, so a search of the database for it
        # finds only what the app stored.
        return f"Pw-{self.ctx.rng.getrandbits(64):016x}-{self.ctx.run_id}"

    def new_email(self, prefix: str = "acct") -> str:
        return values.email(self.ctx.unique, prefix)

    def register_raw(self, payload: Mapping[str, Any]) -> httpx.Response:
        return self.http.post(REGISTER, json=dict(payload))

    def register(self, *, password: str | None = None, email: str | None = None, name: str | None = None,
                 extra: Mapping[str, Any] | None = None) -> Account:
        email = email or self.new_email()
        password = password or self.new_password()
        name = name or values.person_name(self.ctx.rng)
        payload = {"email": email, "password": password, "name": name, **(extra or {})}
        response = self.register_raw(payload)
        what = f"POST {REGISTER}"
        try:
            expect.status(response, 200, 201, what=what,
                          hint=f"{what} {{email, password, name}} must answer 201 with the new member.")
            body = expect.json_object(response, what=what)
            member_id = expect.string_id(response, body, what=what)
        except Failure as failure:
            raise _needs(what, response, payload, failure) from None
        return Account(email, password, name, member_id, body, response)

    def login_raw(self, email: str, password: str, headers: Mapping[str, str] | None = None) -> httpx.Response:
        return self.http.post(LOGIN, json={"email": email, "password": password}, headers=headers)

    def login(self, account: Account) -> Tokens:
        response = self.login_raw(account.email, account.password)
        what = f"POST {LOGIN}"
        try:
            expect.status(response, 200, what=f"{what} with the right password",
                          hint="Answer 200 {access_token, refresh_token, token_type: \"Bearer\", expires_in}.")
            return tokens_from(response, what=what)
        except Failure as failure:
            raise _needs(what, response, None, failure) from None

    def member(self) -> tuple[Account, Tokens]:
        account = self.register()
        return account, self.login(account)

    def members(self, count: int, *, workers: int) -> list[tuple[Account, Tokens]]:
        """`count` fresh members, registered then logged in `workers` at a time: each costs the
        app a password hash, and it hashes on several threads or processes. Emails, passwords
        and names are drawn first, in order from the run's seed: the same members as one at a time."""
        wanted = [(self.new_email(), self.new_password(), values.person_name(self.ctx.rng)) for _ in range(count)]
        registered = self.http.concurrently(
            [partial(self.register, email=email, password=password, name=name) for email, password, name in wanted],
            workers=workers)
        logged_in = self.http.concurrently([partial(self.login, account) for account in registered], workers=workers)
        return list(zip(registered, logged_in, strict=True))

    def admin(self) -> tuple[Account, Tokens]:
        """A fresh account, promoted through the database, then logged in (so the token says admin)."""
        account = self.register(email=self.new_email("admin"))
        promote(self.ctx, account.email)
        return account, self.login(account)


def tokens_from(response: httpx.Response, *, what: str) -> Tokens:
    body = expect.json_object(response, what=what)
    for key in ("access_token", "refresh_token"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise expect.fail(response, f"{what}: '{key}' is missing or not a string",
                              expected="{access_token, refresh_token, token_type: \"Bearer\", expires_in}",
                              hint="Return both tokens as strings in the JSON body.")
    return Tokens(body["access_token"], body["refresh_token"], body, response)


def role_column(ctx: CheckContext) -> tuple[str, str]:
    """(schema, table) of the account table that has `email` and `role` columns."""
    found = ctx.pg.rows(
        "SELECT c.table_schema, c.table_name FROM information_schema.columns c "
        "WHERE c.table_name = ANY(%s) AND c.column_name = 'role' "
        "AND c.table_schema NOT IN ('pg_catalog', 'information_schema') "
        "AND EXISTS (SELECT 1 FROM information_schema.columns e WHERE e.table_schema = c.table_schema "
        "AND e.table_name = c.table_name AND e.column_name = 'email') "
        "ORDER BY array_position(%s, c.table_name::text)",
        (list(ACCOUNT_TABLES), list(ACCOUNT_TABLES)),
    )
    if not found:
        raise Failure(
            "the harness cannot make an admin: no table named users or members has both an email and a "
            "role column",
            expected="a role column ('member' or 'admin') on users or members",
            actual=f"tables: {', '.join(ctx.pg.tables()) or 'none'}",
            hint="Add the column in a migration: ALTER TABLE members ADD COLUMN role text NOT NULL "
                 "DEFAULT 'member' CHECK (role IN ('member', 'admin')).",
            reproduce='psql "$DATABASE_URL" -c "\\d members"',
        )
    return str(found[0][0]), str(found[0][1])


def stored_role(ctx: CheckContext, email: str) -> str | None:
    schema, table = role_column(ctx)
    query = sql.SQL("SELECT role::text FROM {}.{} WHERE lower(email) = lower(%s)").format(
        sql.Identifier(schema), sql.Identifier(table))
    value = ctx.pg.scalar(query, (email,))
    return None if value is None else str(value)


def promote(ctx: CheckContext, email: str) -> None:
    schema, table = role_column(ctx)
    query = sql.SQL("UPDATE {}.{} SET role = 'admin' WHERE lower(email) = lower(%s) RETURNING 1").format(
        sql.Identifier(schema), sql.Identifier(table))
    if not ctx.pg.rows(query, (email,)):
        raise Failure(
            f"the harness cannot make {email} an admin: no row of {table} has that e-mail after registration",
            expected=f"the registered account in {table}, with its e-mail as sent",
            hint="Store the e-mail as registered (lower-case is fine) in the table that has the role column.",
            reproduce=f"psql \"$DATABASE_URL\" -c \"SELECT email, role FROM {table}\"",
        )
