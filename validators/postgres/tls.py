"""pg.tls.required: the lab's roles log in over SSL only, and the server proves it is the harness's.

For each of app_owner, app_user and analyst, with its right password:
- without SSL (sslmode=disable) the login is refused: a `host` line accepts it in clear, a
  `hostssl` line does not match it;
- with sslmode=verify-full and the harness's CA as the only trusted root, the login works (the
  server presents the certificate the harness issued for 127.0.0.1, so SSL is on with the
  harness's key and certificate) and pg_stat_ssl shows the session encrypted, TLS 1.2 or later.
"""

from __future__ import annotations

import psycopg

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check

from .tenant_lab import LAB_ROLES, RUN_AGAIN, TenantLab, first_line, grouped, tenant_lab

CHECK = "pg.tls.required"
MODERN = ("TLSv1.2", "TLSv1.3")


@check(CHECK, points=2, needs_app=False, timeout_s=120)
def logins_need_verified_ssl(ctx: CheckContext) -> Passed:
    """A login without SSL is refused; one over SSL verifies the server against the harness's CA."""
    shown = ""
    with tenant_lab(ctx, CHECK) as lab:
        problems: list[str] = []
        for role in LAB_ROLES:
            problems += _plain_refused(lab, role)
            found, session = _verified(lab, role)
            problems += found
            shown = shown or session
        problems = grouped(problems)
    if problems:
        more = f" (and {len(problems) - 1} more)" if problems[1:] else ""
        raise Failure(
            f"SSL is not required, or does not verify: {problems[0]}{more}",
            expected="no login of the lab's roles without SSL; with sslmode=verify-full and the harness's CA, "
                     "an encrypted session (TLS 1.2 or later)",
            actual="; ".join(problems),
            hint="Turn ssl on in conf.d (the harness's server.crt and server.key are in the data folder, under "
                 "PostgreSQL's default names) and let the lab's roles in with hostssl lines only: a host line "
                 "matches connections without SSL too.",
            reproduce=RUN_AGAIN.format(check=CHECK))
    return Passed(f"no role logged in without SSL; each verified the server's certificate ({shown})")


def _plain_refused(lab: TenantLab, role: str) -> list[str]:
    try:
        with lab.login(role, sslmode="disable") as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return []
    return [f"{role} logged in without SSL"]


def _verified(lab: TenantLab, role: str) -> tuple[list[str], str]:
    try:
        with lab.login(role, sslmode="verify-full") as conn:
            row = conn.execute("SELECT ssl, version, cipher FROM pg_catalog.pg_stat_ssl "
                               "WHERE pid = pg_catalog.pg_backend_pid()").fetchone()
    except psycopg.Error as exc:
        return [f"{role} could not log in over SSL verifying the harness's CA: {first_line(exc)}"], ""
    if not row or not row[0]:
        return [f"{role}: the session is not encrypted (pg_stat_ssl)"], ""
    if row[1] not in MODERN:
        return [f"{role}: the session uses {row[1]}, older than TLS 1.2"], ""
    return [], f"{row[1]}, {row[2]}"
