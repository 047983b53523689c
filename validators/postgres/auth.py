"""pg.auth.scram_only: every login of the lab's roles proves a password with SCRAM-SHA-256.

For each of app_owner, app_user and analyst, from 127.0.0.1 (with SSL when the server offers it):
- no password, and a wrong one, are refused (a `trust` line lets either in);
- with its password stored as an MD5 hash, the right password is refused (an `md5` line accepts
  it: MD5 hashes leak and replay; a `scram-sha-256` line cannot use one);
- the right password logs in with libpq's require_auth=scram-sha-256, which refuses a server that
  asks for anything else (a `password` line sends it in clear);
and a password the server stores itself is stored as SCRAM (password_encryption).
The MD5 hash is the role's for one login attempt: the harness puts its SCRAM verifier back.
"""

from __future__ import annotations

import hashlib

import psycopg
from psycopg import sql

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check
from harness.services import pg_template

from .tenant_lab import LAB_ROLES, RUN_AGAIN, TenantLab, first_line, grouped, tenant_lab

CHECK = "pg.auth.scram_only"
# require_auth came with libpq 16; an older libpq on the harness's side cannot ask for it.
REQUIRE_AUTH_LIBPQ = 160000


@check(CHECK, points=2, needs_app=False, timeout_s=120)
def logins_use_scram_only(ctx: CheckContext) -> Passed:
    """No password, a wrong one or an MD5 hash never logs in; the lab's roles log in with SCRAM-SHA-256."""
    with tenant_lab(ctx, CHECK) as lab:
        problems = _stored(lab)
        for role in LAB_ROLES:
            # A role let in without its password says it all: the other tries would only repeat it.
            problems += _refusals(lab, role) or (_md5(lab, role) + _scram(lab, role))
        problems = grouped(problems)
    if problems:
        more = f" (and {len(problems) - 1} more)" if problems[1:] else ""
        raise Failure(
            f"a login without SCRAM: {problems[0]}{more}",
            expected="every login of app_owner, app_user and analyst asks for a password and checks it with "
                     "scram-sha-256; passwords stored as SCRAM",
            actual="; ".join(problems),
            hint="In pg_hba.conf use the method scram-sha-256 on every line that lets the lab's roles in (never trust, "
                 "password or md5), and keep password_encryption = scram-sha-256.",
            reproduce=RUN_AGAIN.format(check=CHECK))
    return Passed("no password, a wrong one and an MD5 hash were refused for each role; each logged in with "
                  "SCRAM-SHA-256")


def _stored(lab: TenantLab) -> list[str]:
    # Read in database postgres, the harness's: app_owner owns saas and could give it a default of its own.
    with lab.admin("postgres") as conn:
        row = conn.execute("SELECT pg_catalog.current_setting('password_encryption')").fetchone()
    setting = str(row[0]) if row else "?"
    if setting != "scram-sha-256":
        return [f"password_encryption = {setting}: a password set on this server is stored as {setting}"]
    return []


def _logs_in(lab: TenantLab, role: str, password: str, **extra: str) -> tuple[bool, str]:
    try:
        with lab.login(role, password, **extra) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return False, first_line(exc)
    return True, "logged in"


def _refusals(lab: TenantLab, role: str) -> list[str]:
    for what, password in (("no password", ""), ("a wrong password", lab.passwords[role] + "-wrong")):
        accepted, _ = _logs_in(lab, role, password)
        if accepted:
            return [f"{role} logged in with {what} (a trust line, or no line asking for a password)"]
    return []


def _set_verifier(conn: psycopg.Connection[tuple[object, ...]], role: str, verifier: str) -> None:
    conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(verifier)))


def _md5(lab: TenantLab, role: str) -> list[str]:
    password = lab.passwords[role]
    # What PostgreSQL stores for an MD5 password: "md5" + md5(password + role name).
    md5 = "md5" + hashlib.md5((password + role).encode(), usedforsecurity=False).hexdigest()
    with lab.admin() as conn:
        _set_verifier(conn, role, md5)
        try:
            accepted, _ = _logs_in(lab, role, password)
        finally:
            _set_verifier(conn, role, pg_template.scram_verifier(password))
    return [f"{role} logged in with the password stored as an MD5 hash (an md5 line)"] if accepted else []


def _scram(lab: TenantLab, role: str) -> list[str]:
    if psycopg.pq.version() < REQUIRE_AUTH_LIBPQ:
        accepted, outcome = _logs_in(lab, role, lab.passwords[role])
    else:
        accepted, outcome = _logs_in(lab, role, lab.passwords[role], require_auth="scram-sha-256")
    return [] if accepted else [f"{role} could not log in with the right password over SCRAM-SHA-256: {outcome}"]
