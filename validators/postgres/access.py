"""pg.access.least_privilege: each role holds what its job needs and nothing more.

The catalog is read by the superuser (attributes, memberships, owners, privileges); the rest is
tried by logging in as the app and the analyst: every attempt that should be refused runs in a
transaction that is rolled back, so a DROP or TRUNCATE that goes through removes nothing the
next attempt needs. This check also owns the lab's setup: a server that does not start or SQL
that fails is reported here, and the other checks are skipped.
"""

from __future__ import annotations

import psycopg

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check
from harness.services.postgres import SUPERUSER

from .tenant_lab import (
    ANALYST,
    APP,
    DATABASE,
    FUNCTION,
    GATE,
    LAB_ROLES,
    OWNER,
    RUN_AGAIN,
    SEED,
    TENANT_A,
    TenantLab,
    first_line,
    tenant_lab,
)

CHECK = GATE
ATTRIBUTES = ("rolsuper", "rolcreaterole", "rolcreatedb", "rolreplication", "rolbypassrls")
SHOWN = {"rolsuper": "SUPERUSER", "rolcreaterole": "CREATEROLE", "rolcreatedb": "CREATEDB",
         "rolreplication": "REPLICATION", "rolbypassrls": "BYPASSRLS"}
# Predefined roles that reach past the lab's grants: writes everywhere, the server's files and
# programs, other sessions.
WIDE_ROLES = ("pg_write_all_data", "pg_execute_server_program", "pg_read_server_files", "pg_write_server_files",
              "pg_signal_backend")
# Table privileges beyond reading and writing rows: emptying a table past every policy
# (TRUNCATE), triggers that run on other sessions' writes, foreign keys that lock its rows.
BEYOND_DML = ("TRUNCATE", "TRIGGER", "REFERENCES")
WRITES = ("INSERT", "UPDATE", "DELETE")
COLUMN_PRIVILEGES = ("INSERT", "UPDATE", "REFERENCES")
# PostgreSQL 17's MAINTAIN (VACUUM, REINDEX, LOCK TABLE ...), which GRANT ALL includes there.
MAINTAIN, MAINTAIN_SINCE = "MAINTAIN", 170000
# What the app must never run: DDL, and TRUNCATE, which empties every tenant's rows at once.
APP_REFUSED = (
    ("CREATE TABLE in public", "CREATE TABLE public.harness_probe (id int)"),
    ("CREATE SCHEMA", "CREATE SCHEMA harness_probe"),
    ("CREATE FUNCTION in public", "CREATE FUNCTION public.harness_probe() RETURNS int LANGUAGE sql AS 'SELECT 1'"),
    ("ALTER TABLE invoices", "ALTER TABLE public.invoices ADD COLUMN harness_probe int"),
    ("CREATE INDEX on invoices", "CREATE INDEX harness_probe ON public.invoices (customer)"),
    ("DROP VIEW invoice_summary", "DROP VIEW public.invoice_summary"),
    ("TRUNCATE invoices", "TRUNCATE public.invoices"),
    # mark_paid is the only way to pay an invoice (README): the app changes its invoices, never paid_at.
    ("UPDATE invoices SET paid_at (mark_paid is the only way)", "UPDATE public.invoices SET paid_at = now()"),
    ("INSERT an invoice with paid_at set (mark_paid is the only way)",
     "INSERT INTO public.invoices (tenant_id, customer, amount_cents, paid_at) VALUES ('acme', 'probe', 1, now())"),
)
# The app's job, as the README states it: each must work for its own tenant.
APP_NEEDS = (
    ("read tenants", "SELECT count(*) FROM public.tenants"),
    ("read its invoices", "SELECT count(*) FROM public.invoices"),
    ("add an invoice", "INSERT INTO public.invoices (tenant_id, customer, amount_cents) VALUES ('acme', 'probe', 1)"),
    ("change an invoice's amount", "UPDATE public.invoices SET amount_cents = amount_cents + 1"),
    ("delete an invoice", "DELETE FROM public.invoices WHERE customer = 'Grace'"),
    ("read invoice_summary", "SELECT count(*) FROM public.invoice_summary"),
)
ANALYST_REFUSED = (
    ("INSERT INTO tenants", "INSERT INTO public.tenants (id, name) VALUES ('harness-probe', 'probe')"),
    ("INSERT INTO invoices", "INSERT INTO public.invoices (tenant_id, customer, amount_cents) VALUES ('acme', 'p', 1)"),
    ("UPDATE invoices", "UPDATE public.invoices SET amount_cents = amount_cents + 1"),
    ("DELETE FROM invoices", "DELETE FROM public.invoices"),
    ("UPDATE tenants", "UPDATE public.tenants SET name = name"),
    ("TRUNCATE invoices", "TRUNCATE public.invoices"),
    ("CREATE TABLE in public", "CREATE TABLE public.harness_probe (id int)"),
)


@check(CHECK, points=3, needs_app=False, timeout_s=120)
def each_role_holds_only_what_its_job_needs(ctx: CheckContext) -> Passed:
    """The app runs no DDL, the analyst writes nothing, app_owner owns every object, no other superuser."""
    with tenant_lab(ctx, CHECK) as lab:
        problems = _attributes(lab) + _owners(lab) + _app(lab) + _analyst(lab) + _privileges(lab)
    if problems:
        more = f" (and {len(problems) - 1} more)" if problems[1:] else ""
        raise Failure(
            f"least privilege does not hold: {problems[0]}{more}",
            expected=f"{APP}: SELECT, INSERT, UPDATE, DELETE on its tenant's rows (paid_at only through mark_paid) "
                     f"and nothing else; {ANALYST}: "
                     f"SELECT only; {OWNER}: owns every object; no superuser but the harness's own ({SUPERUSER})",
            actual="; ".join(problems),
            hint="Grant each role the privileges its job needs, by name (GRANT SELECT, INSERT, ... ON table TO role), "
                 "never ALL, never membership in the owner; a column the app must not write is left out of its column "
                 "grants (INSERT (a, b), UPDATE (a, b)); functions are executable by PUBLIC until you REVOKE it.",
            reproduce=RUN_AGAIN.format(check=CHECK))
    return Passed(f"{APP} ran its job and was refused {len(APP_REFUSED)} statements beyond it "
                  f"(DDL, TRUNCATE, paid_at); {ANALYST} read every tenant and was refused "
                  f"{len(ANALYST_REFUSED) + 1} writes; {OWNER} owns every object")


def _attributes(lab: TenantLab) -> list[str]:
    problems = []
    with lab.admin() as conn:
        rows = conn.execute(f"SELECT rolname, {', '.join(ATTRIBUTES)} FROM pg_catalog.pg_roles "
                            "WHERE rolname !~ '^pg_'").fetchall()
        for name, *flags in rows:
            if name == SUPERUSER:
                continue
            held = [SHOWN[a] for a, flag in zip(ATTRIBUTES, flags, strict=True) if flag]
            if "SUPERUSER" in held:
                problems.append(f"{name} is a superuser")
            elif name in LAB_ROLES and held:
                problems.append(f"{name} has {', '.join(held)}")
        members = conn.execute(
            "SELECT m.rolname, r.rolname FROM pg_catalog.pg_roles m, pg_catalog.pg_roles r "
            "WHERE m.rolname = ANY(%s) AND r.rolname <> m.rolname AND (r.rolname = ANY(%s) OR r.rolname = %s) "
            "AND pg_catalog.pg_has_role(m.oid, r.oid, 'MEMBER')",
            ([APP, ANALYST], list(WIDE_ROLES), OWNER)).fetchall()
    problems += [f"{member} is a member of {role}" + (" (it has the owner's rights)" if role == OWNER else "")
                 for member, role in members]
    return problems


def _owners(lab: TenantLab) -> list[str]:
    """Every relation, function and schema of the database owned by app_owner (the system's aside)."""
    system = ("n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
              "AND n.nspname !~ '^pg_(toast_)?temp_'")
    with lab.admin() as conn:
        rows = conn.execute(
            "SELECT 'relation ' || c.relname, pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c "
            f"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE {system} "
            "AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relowner <> %s::regrole "
            "UNION ALL SELECT 'function ' || p.proname, pg_catalog.pg_get_userbyid(p.proowner) "
            "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
            f"WHERE {system} AND p.proowner <> %s::regrole "
            "UNION ALL SELECT 'schema ' || n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) "
            f"FROM pg_catalog.pg_namespace n WHERE {system} AND n.nspowner = ANY(%s::regrole[]) "
            "UNION ALL SELECT 'database ' || d.datname, pg_catalog.pg_get_userbyid(d.datdba) "
            "FROM pg_catalog.pg_database d WHERE d.datname = %s AND d.datdba <> %s::regrole ORDER BY 1",
            (OWNER, OWNER, [APP, ANALYST], DATABASE, OWNER)).fetchall()
    return [f"{what} is owned by {owner}, not {OWNER}" for what, owner in rows]


def _refused(conn: psycopg.Connection[tuple[object, ...]], statement: str) -> tuple[bool, str]:
    """(whether `statement` was refused, what happened), rolled back either way."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute("SET TRANSACTION READ WRITE")  # a read-only default is a setting the role may change
            cursor = conn.execute(statement)
            rows = cursor.rowcount
    except psycopg.Error as exc:
        return True, first_line(exc)
    if statement.startswith(("UPDATE", "DELETE")) and rows == 0:
        return True, "0 rows (no row the role may change)"
    return False, f"{rows} rows" if rows >= 0 else "done"


def _app(lab: TenantLab) -> list[str]:
    problems = []
    try:
        conn = lab.as_tenant(APP, TENANT_A)
    except psycopg.Error as exc:
        return [f"{APP} cannot log in: {first_line(exc)}"]
    with conn:
        for job, statement in APP_NEEDS:
            try:
                with conn.transaction(force_rollback=True):
                    conn.execute(statement)
            except psycopg.Error as exc:
                problems.append(f"{APP} cannot {job} (tenant {TENANT_A}): {first_line(exc)}")
        for what, statement in APP_REFUSED:
            refused, _ = _refused(conn, statement)
            if not refused:
                problems.append(f"{APP} ran {what}")
    return problems


def _analyst(lab: TenantLab) -> list[str]:
    problems = []
    unpaid = lab.invoices[TENANT_A][0]
    try:
        conn = lab.as_tenant(ANALYST, TENANT_A)
    except psycopg.Error as exc:
        return [f"{ANALYST} cannot log in: {first_line(exc)}"]
    with conn:
        try:
            row = conn.execute("SELECT count(*) FROM public.invoices").fetchone()
            seen = int(str(row[0])) if row else 0
            if seen != len(SEED):
                problems.append(f"{ANALYST} reads {seen} of the {len(SEED)} invoices of both tenants (it reads all)")
        except psycopg.Error as exc:
            problems.append(f"{ANALYST} cannot read invoices: {first_line(exc)}")
        for what, statement in ANALYST_REFUSED:
            refused, outcome = _refused(conn, statement)
            if not refused:
                problems.append(f"{ANALYST} ran {what} ({outcome})")
        try:
            with conn.transaction(force_rollback=True):
                conn.execute("SET TRANSACTION READ WRITE")
                conn.execute(f"SELECT public.{FUNCTION}(%s)", (unpaid,))
                row = conn.execute("SELECT paid_at IS NOT NULL FROM public.invoices WHERE id = %s",
                                   (unpaid,)).fetchone()
                if row and row[0]:
                    problems.append(f"{ANALYST} marked invoice {unpaid} paid through {FUNCTION}()")
        except psycopg.Error:
            pass  # refused: the analyst may not execute it
    return problems


def _privileges(lab: TenantLab) -> list[str]:
    """What the grants say, beyond what the tries above reached (a TRIGGER or REFERENCES right, a
    write the analyst holds but a policy happens to stop)."""
    problems = []
    with lab.admin() as conn:
        version = conn.execute("SELECT pg_catalog.current_setting('server_version_num')::int").fetchone()
        beyond = BEYOND_DML + ((MAINTAIN,) if version and int(str(version[0])) >= MAINTAIN_SINCE else ())
        wanted = {APP: beyond, ANALYST: beyond + WRITES}
        tables = [(int(str(oid)), str(name)) for oid, name in conn.execute(
            "SELECT c.oid, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
            "ORDER BY 2").fetchall()]
        for role, privileges in wanted.items():
            for oid, name in tables:
                held = [p for p in privileges if _has(conn, role, oid, p)]
                if held:
                    problems.append(f"{role} holds {', '.join(held)} on {name}")
            creates = conn.execute("SELECT pg_catalog.has_schema_privilege(%s, 'public', 'CREATE'), "
                                   "pg_catalog.has_database_privilege(%s, %s, 'CREATE')",
                                   (role, role, DATABASE)).fetchone()
            if creates and creates[0]:
                problems.append(f"{role} may CREATE in schema public")
            if creates and creates[1]:
                problems.append(f"{role} may CREATE schemas in {DATABASE}")
    return problems


def _has(conn: psycopg.Connection[tuple[object, ...]], role: str, table: int, privilege: str) -> bool:
    """Held on the table, or on any of its columns (INSERT, UPDATE and REFERENCES may be granted per column)."""
    query = "SELECT pg_catalog.has_table_privilege(%s, %s::oid, %s)"
    if privilege in COLUMN_PRIVILEGES:
        query += " OR pg_catalog.has_any_column_privilege(%s, %s::oid, %s)"
        row = conn.execute(query, (role, table, privilege) * 2).fetchone()
    else:
        row = conn.execute(query, (role, table, privilege)).fetchone()
    return bool(row and row[0])
