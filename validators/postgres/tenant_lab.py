"""postgres/week-29's server: SSL with the harness's certificate, the learner's pg_hba.conf, their
roles.sql and schema.sql, and the rows of two tenants.

Each check starts one (a cached cluster and the run's CA: about a second with the SQL) and stops it
before it returns, so nothing a probe wrote or a leak changed reaches another check. What the
learner wrote never runs as a superuser:

- roles.sql runs as `lab_admin`, a login the harness creates with CREATEROLE and CREATEDB only
  (what a cloud database's administrator account has), in database `postgres`;
- schema.sql runs as the learner's own `app_owner`, logging in through the learner's pg_hba.conf,
  in database `saas` (created by the harness, owned by app_owner);
- the rows are loaded and read back by `lab_seeder`, a login with BYPASSRLS and the DML rights the
  superuser grants it on the two tables: the learner's triggers and defaults run as it, not as a
  superuser;
- the superuser creates those logins, the database and the passwords (SCRAM verifiers the harness
  computes), grants, and reads the catalog with a search path of pg_catalog only. The learner's
  conf.d runs as the server's account, as in every postgres lab.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from harness.errors import EnvironmentProblem, ServiceError
from harness.outcomes import CannotCheck, Failure, Skip
from harness.registry import CheckContext
from harness.runner.confined import OutsideProject, read_inside
from harness.services import pg_template
from harness.services.postgres import LocalPostgres

from . import certificates
from .conf import CONF_DIR, ConfFile, ConfRefused, lay_out, read_conf
from .hba import HBA_FILE, compose, read_hba
from .server import HARNESS_OPTIONS, own_server

GATE = "pg.access.least_privilege"
RUN_AGAIN = "harness check week-29 --track postgres --only {check}"
DATABASE = "saas"
OWNER, APP, ANALYST = "app_owner", "app_user", "analyst"
LAB_ROLES = (OWNER, APP, ANALYST)
ADMIN, SEEDER = "lab_admin", "lab_seeder"
ROLES_FILE, SCHEMA_FILE = "roles.sql", "schema.sql"
SQL_BYTES = 1024 * 1024  # read_inside states its cap in MB
TENANT_A, TENANT_B = "acme", "globex"
# Three invoices of A, two of B: a leak shows as a count no policy of A's gives.
SEED = ((TENANT_A, "Ada", 1200), (TENANT_A, "Alan", 3400), (TENANT_A, "Grace", 560),
        (TENANT_B, "Linus", 7800), (TENANT_B, "Ken", 910))
# The contract the checks probe: schema.sql must create these (the starter does).
COLUMNS = {"tenants": ("id", "name"), "invoices": ("id", "tenant_id", "customer", "amount_cents", "paid_at"),
           "invoice_summary": ("tenant_id", "invoices", "total_cents")}
FUNCTION = "mark_paid"
# Nothing on the command line that the lab grades: logging to stderr (the harness shows it), and
# fsync off (throwaway clusters; CREATE DATABASE is faster).
OPTIONS = {"logging_collector": "off", "log_destination": "stderr", "fsync": "off"}
# Every session of the learner's roles: no probe waits forever on a lock or a slow statement.
ROLE_OPTIONS = "-c statement_timeout=10s -c lock_timeout=5s"


class SetupFailed(Exception):
    def __init__(self, message: str, hint: str, evidence: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.evidence = evidence


@dataclass
class TenantLab:
    server: LocalPostgres
    ca_file: Path  # the harness's CA certificate, on the harness's side
    passwords: dict[str, str]
    invoices: dict[str, list[int]] = field(default_factory=dict)  # tenant -> its invoice ids, as seeded
    _seeder_password: str = ""

    def admin(self, database: str = DATABASE) -> psycopg.Connection[tuple[object, ...]]:
        """The superuser: catalog reads and grants only, never a statement on the learner's objects."""
        url = self.server.admin_url.rsplit("/", 1)[0] + "/" + database
        return psycopg.connect(url, autocommit=True, connect_timeout=10, options=HARNESS_OPTIONS)

    def seeder(self) -> psycopg.Connection[tuple[object, ...]]:
        return _connect(self.server.port, SEEDER, self._seeder_password, "prefer", options=HARNESS_OPTIONS)

    def login(self, role: str, password: str | None = None, *, sslmode: str = "prefer",
              **extra: str) -> psycopg.Connection[tuple[object, ...]]:
        """`role` over TCP from 127.0.0.1, through the learner's pg_hba.conf."""
        if sslmode in ("verify-ca", "verify-full"):
            extra["sslrootcert"] = str(self.ca_file)
        chosen = self.passwords[role] if password is None else password
        return _connect(self.server.port, role, chosen, sslmode, options=ROLE_OPTIONS, **extra)

    def as_tenant(self, role: str, tenant: str) -> psycopg.Connection[tuple[object, ...]]:
        conn = self.login(role)
        try:
            conn.execute("SELECT pg_catalog.set_config('app.tenant_id', %s, false)", (tenant,))
        except BaseException:
            conn.close()
            raise
        return conn

    def log_tail(self, lines: int = 12) -> str:
        return self.server.log_tail(lines)


def _connect(port: int, user: str, password: str, sslmode: str, *, options: str, database: str = DATABASE,
             **extra: str) -> psycopg.Connection[tuple[object, ...]]:
    # Every parameter libpq would otherwise take from the environment or the home folder is given:
    # PGPASSWORD, a ~/.pgpass or PGSSLMODE of the machine must not decide a probe. An empty password
    # is "none" (and the password file named does not exist).
    params: dict[str, Any] = {
        "host": certificates.SERVER_HOST, "port": port, "dbname": database, "user": user, "password": password,
        "sslmode": sslmode, "gssencmode": "disable", "passfile": "/nonexistent/harness-pgpass", "connect_timeout": 10,
        "options": options, "application_name": "harness-week-29", **extra}
    return psycopg.connect(autocommit=True, **params)


_WHERE = re.compile(r'^(connection failed: )?(connection to server at "[^"]*", port \d+ failed: )?')


def first_line(exc: BaseException) -> str:
    """The error in one line, without libpq's "connection to server at ..." (the same on every probe)."""
    text = _WHERE.sub("", " ".join(str(exc).split()))
    return text or type(exc).__name__


def grouped(problems: list[str]) -> list[str]:
    """Problems that differ only in the role they start with, said once for all those roles:
    "app_owner, app_user and analyst logged in without SSL"."""
    order: list[str] = []
    roles: dict[str, list[str]] = {}
    for problem in problems:
        role = next((r for r in LAB_ROLES if problem.startswith((r + " ", r + ":"))), "")
        rest = problem[len(role):]
        if rest not in roles:
            order.append(rest)
            roles[rest] = []
        roles[rest].append(role)
    said = []
    for rest in order:
        names = [n for n in roles[rest] if n]
        who = names[0] if len(names) < 2 else ", ".join(names[:-1]) + " and " + names[-1]
        said.append(who + rest)
    return said


def _read_sql(project: Path, name: str) -> str:
    try:
        text = read_inside(project, name, SQL_BYTES)
    except FileNotFoundError:
        raise SetupFailed(f"{name} is missing", f"Write {name} at the project's top level, as the starter "
                                                "does.") from None
    except (OutsideProject, OSError) as exc:
        raise SetupFailed(f"{name} cannot be read: {exc}", "Make it a plain file inside the project.") from None
    if "\0" in text:
        raise SetupFailed(f"{name} holds a NUL character", "Save it as plain UTF-8 text.")
    return text


def _run_sql(conn: psycopg.Connection[tuple[object, ...]], name: str, text: str, who: str) -> None:
    if not text.strip():
        return
    try:
        conn.execute(text.encode())  # no parameters: the file goes whole, as psql -f would send it
    except psycopg.Error as exc:
        raise SetupFailed(f"{name} failed as {who}: {first_line(exc)}",
                          f"{name} runs as {who} (not a superuser): run it by hand as that role on a throwaway "
                          "server and fix the statement named.") from None


def _create_harness_logins(lab: TenantLab, admin_password: str) -> None:
    with lab.admin("postgres") as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEROLE CREATEDB PASSWORD {}").format(
            sql.Identifier(ADMIN), sql.Literal(pg_template.scram_verifier(admin_password))))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN BYPASSRLS PASSWORD {}").format(
            sql.Identifier(SEEDER), sql.Literal(pg_template.scram_verifier(lab._seeder_password))))


def _roles(lab: TenantLab, admin_password: str, text: str) -> None:
    with _connect(lab.server.port, ADMIN, admin_password, "prefer", options=ROLE_OPTIONS,
                  database="postgres") as conn:
        _run_sql(conn, ROLES_FILE, text, ADMIN)
    with lab.admin("postgres") as conn:
        rows = conn.execute("SELECT rolname, rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = ANY(%s)",
                            (list(LAB_ROLES),)).fetchall()
        found = {str(name): bool(login) for name, login in rows}
        missing = [r for r in LAB_ROLES if r not in found]
        if missing:
            raise SetupFailed(f"{ROLES_FILE} did not create {', '.join(missing)}",
                              f"Create the lab's three roles in {ROLES_FILE}: {', '.join(LAB_ROLES)}.")
        no_login = [r for r in LAB_ROLES if not found[r]]
        if no_login:
            raise SetupFailed(f"{', '.join(no_login)} cannot log in (NOLOGIN)",
                              "Each of the three roles logs in: the owner to migrate, the app and the analyst "
                              "to work. Create them WITH LOGIN (and no password: the harness sets one).")
        # The passwords a deployment would take from its secret store: SCRAM verifiers computed here,
        # so no plain password reaches the server's log or statistics.
        for role in LAB_ROLES:
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(pg_template.scram_verifier(lab.passwords[role]))))
        try:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(DATABASE), sql.Identifier(OWNER)))
        except psycopg.errors.DuplicateDatabase:
            raise SetupFailed(f"database {DATABASE} exists already when the harness creates it",
                              f"{ROLES_FILE} creates roles only: the harness creates {DATABASE}, owned by "
                              f"{OWNER}.") from None
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(DATABASE),
                                                                          sql.Identifier(SEEDER)))


def _schema(lab: TenantLab, text: str) -> None:
    try:
        conn = lab.login(OWNER)
    except psycopg.OperationalError as exc:
        raise SetupFailed(f"{OWNER} cannot log in to {DATABASE} to run {SCHEMA_FILE}: {first_line(exc)}",
                          f"Your {HBA_FILE} must let {OWNER} in from 127.0.0.1 with its password (the harness "
                          "connects with SSL when the server offers it).", lab.log_tail()) from None
    with conn:
        _run_sql(conn, SCHEMA_FILE, text, OWNER)
    with lab.admin() as conn:
        rows = conn.execute(
            "SELECT c.relname, a.attname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' "
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            "WHERE c.relname = ANY(%s)", (list(COLUMNS),)).fetchall()
        have: dict[str, set[str]] = {}
        for relation, column in rows:
            have.setdefault(str(relation), set()).add(str(column))
        function = conn.execute("SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
                                "ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.proname = %s "
                                "AND p.proargtypes::text = %s", (FUNCTION, "20")).fetchone()
    missing = [f"public.{rel}" + ("" if rel not in have else f" ({', '.join(c for c in cols if c not in have[rel])})")
               for rel, cols in COLUMNS.items() if not set(cols) <= have.get(rel, set())]
    if not function or not function[0]:
        missing.append(f"public.{FUNCTION}(bigint)")
    if missing:
        raise SetupFailed(f"{SCHEMA_FILE} does not create what the checks use: missing {'; '.join(missing)}",
                          "Keep the starter's tables, view and function with their names and columns.")


def _seed(lab: TenantLab) -> None:
    with lab.admin() as conn:
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(SEEDER)))
        conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON public.tenants, public.invoices TO {}").format(
            sql.Identifier(SEEDER)))
    try:
        with lab.seeder() as conn, conn.transaction():
            conn.execute("INSERT INTO public.tenants (id, name) VALUES (%s, 'Acme'), (%s, 'Globex')",
                         (TENANT_A, TENANT_B))
            for tenant, customer, cents in SEED:
                row = conn.execute("INSERT INTO public.invoices (tenant_id, customer, amount_cents) "
                                   "VALUES (%s, %s, %s) RETURNING id", (tenant, customer, cents)).fetchone()
                assert row is not None
                lab.invoices.setdefault(tenant, []).append(int(str(row[0])))
    except psycopg.Error as exc:
        raise SetupFailed(f"the harness could not load the tenants' rows: {first_line(exc)}",
                          "The tables must take the rows the README shows (tenants: id, name; invoices: "
                          "tenant_id, customer, amount_cents, with id generated), and schema.sql loads no rows of "
                          "its own: the harness loads acme and globex.") from None


def _prepare_files(project: Path) -> tuple[list[ConfFile], str, str, str]:
    try:
        conf = read_conf(project)
        hba = read_hba(project)
    except ConfRefused as exc:
        raise SetupFailed(exc.message, exc.hint) from None
    return conf, hba, _read_sql(project, ROLES_FILE), _read_sql(project, SCHEMA_FILE)


@contextlib.contextmanager
def tenant_lab(ctx: CheckContext, check_id: str) -> Iterator[TenantLab]:
    """The lab's server for `check_id`, set up and loaded. A setup that fails fails the gate
    (pg.access.least_privilege) with why, and skips every other check."""
    gate = check_id == GATE
    try:
        conf, hba, roles_sql, schema_sql = _prepare_files(ctx.app.project_dir)
    except SetupFailed as exc:
        raise _refusal(exc, check_id, gate) from None
    try:
        issued = certificates.for_run(ctx.run_id)
    except EnvironmentProblem as exc:
        raise CannotCheck(exc.message, fix=exc.fixes[0] if exc.fixes else None) from None
    side = Path(tempfile.mkdtemp(prefix="harness-week29-"))
    ca_file = side / "ca.crt"
    ca_file.write_text(issued.ca_pem)

    def prepare(data: Path) -> Mapping[str, str]:
        lay_out(conf, data)
        (data / "pg_hba.conf").write_text(compose(hba))
        (data / "server.crt").write_text(issued.cert_pem)
        key = data / "server.key"
        key.write_text(issued.key_pem)
        key.chmod(0o600)  # PostgreSQL refuses a key others may read
        return {}

    def refused(exc: ServiceError) -> Exception:
        failed = SetupFailed(f"PostgreSQL does not start with your {CONF_DIR}/ and {HBA_FILE}: {exc.message}",
                             "The server's log below names what it refused (a setting, a pg_hba.conf line, "
                             "the certificate's files).", exc.log_tail or None)
        return _refusal(failed, check_id, gate)

    with own_server(ctx, options=OPTIONS, prepare=prepare, refused=refused, paths=[side]) as (server, _reaper):
        passwords = {role: secrets.token_urlsafe(18) for role in LAB_ROLES}
        lab = TenantLab(server, ca_file, passwords, _seeder_password=secrets.token_urlsafe(18))
        admin_password = secrets.token_urlsafe(18)
        try:
            _create_harness_logins(lab, admin_password)
            _roles(lab, admin_password, roles_sql)
            _schema(lab, schema_sql)
            _seed(lab)
        except SetupFailed as exc:
            if exc.evidence is None:
                exc.evidence = server.log_tail(10) or None
            raise _refusal(exc, check_id, gate) from None
        yield lab


def _refusal(exc: SetupFailed, check_id: str, gate: bool) -> Exception:
    if gate:
        return Failure(exc.message, hint=exc.hint, evidence=exc.evidence, reproduce=RUN_AGAIN.format(check=check_id))
    return Skip(f"no lab server to check: {exc.message} ({GATE})")

