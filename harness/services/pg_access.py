"""The harness's own logins to an app's database: none of them a superuser.

The app owns its database, so it can plant code anywhere the harness might look: a schema
named after the role that connects (the default search_path starts with "$user"), views
and functions shadowing what a probe calls, triggers on the tables the harness seeds,
custom operators. Any of it run by a superuser makes the app a superuser, and then
`COPY ... TO PROGRAM` is a shell on the machine. So the superuser only sets the database
up, before the app ever ran, and the probes log in as two roles of their own:

- the stats login: pg_read_all_stats, nothing of the app's. It reads pg_stat_statements
  and pg_stat_activity with search_path pg_catalog, pg_temp, where nothing the app created
  is visible.
- the read login: CONNECT and nothing else, until a check grants it SELECT on the tables it
  loads (the sql track runs the learner's queries as it). Without pg_read_all_stats it sees no
  other session's query text, which on a server shared by several submissions would be
  another learner's answers.
- the work login: a member of the app's role, so exactly the app's rights. It seeds,
  counts and reads the app's tables; whatever the app planted runs with the app's rights,
  never more. (SET ROLE on a superuser session is no substitute: code running under it can
  RESET ROLE back to the superuser.) Its statements and connections are its own, apart
  from the app's in pg_stat_statements and pg_stat_activity.

pg_stat_statements goes into a schema the superuser owns: in `public`, which the app owns
(PostgreSQL 15+), the app could rename it away and put a look-alike in its place.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

# Given at connect, before any SQL runs: only the system catalog, and our own temp schema
# (never searched for functions or operators), resolve unqualified names.
SAFE_PATH = "pg_catalog, pg_temp"
SAFE_OPTIONS = "-c search_path=pg_catalog,pg_temp"
STATS_SCHEMA = "harness_stats"


@dataclass(frozen=True)
class ProbeLogins:
    """The three non-superuser logins the probes use (URLs on the harness's side)."""

    stats_role: str
    stats_url: str
    work_role: str
    work_url: str
    read_role: str
    read_url: str

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.stats_role, self.work_role, self.read_role)


def role_names(app_role: str) -> tuple[str, str, str]:
    """(stats, work, read) roles for an app role: predictable, so cleanup can name them first."""
    return f"{app_role}_stats", f"{app_role}_probe", f"{app_role}_read"


def login_url(admin_url: str, database: str, role: str, password: str) -> str:
    """`admin_url`'s host and port, with another role and database."""
    parts = urlsplit(admin_url)
    host = parts.hostname or "127.0.0.1"
    where = f"[{host}]" if ":" in host else host
    netloc = f"{quote(role, safe='')}:{quote(password, safe='')}@{where}:{parts.port or 5432}"
    return urlunsplit((parts.scheme, netloc, "/" + quote(database), parts.query, ""))


def create_logins(conn: psycopg.Connection[tuple[object, ...]], admin_url: str, database: str,
                  app_role: str) -> ProbeLogins:
    """Create the three roles (on an admin connection to any database of the server)."""
    stats_role, work_role, read_role = role_names(app_role)
    stats_pw, work_pw, read_pw = (secrets.token_urlsafe(18) for _ in range(3))
    ident = {"db": sql.Identifier(database), "app": sql.Identifier(app_role)}
    conn.execute(sql.SQL("CREATE ROLE {role} LOGIN PASSWORD {pw} IN ROLE {app}").format(
        role=sql.Identifier(work_role), pw=sql.Literal(work_pw), **ident))
    conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {db} TO {role}").format(role=sql.Identifier(work_role), **ident))
    for role, password in ((stats_role, stats_pw), (read_role, read_pw)):
        conn.execute(sql.SQL("CREATE ROLE {role} LOGIN PASSWORD {pw}").format(
            role=sql.Identifier(role), pw=sql.Literal(password)))
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {db} TO {role}").format(role=sql.Identifier(role), **ident))
    stats_url = login_url(admin_url, database, stats_role, stats_pw)
    try:
        conn.execute(sql.SQL("GRANT pg_read_all_stats TO {}").format(sql.Identifier(stats_role)))
    except psycopg.errors.InsufficientPrivilege:
        # An external server's admin that may create roles but not hand out this one (it
        # cannot install pg_stat_statements either): the admin reads what it can itself.
        stats_url = login_url(admin_url, database, *_userinfo(admin_url))
    return ProbeLogins(stats_role, stats_url, work_role, login_url(admin_url, database, work_role, work_pw),
                       read_role, login_url(admin_url, database, read_role, read_pw))


def _userinfo(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return unquote(parts.username or ""), unquote(parts.password or "")


def install_statements(conn: psycopg.Connection[tuple[object, ...]], logins: ProbeLogins) -> None:
    """pg_stat_statements in the superuser's own schema of the app's database, readable by
    the stats login (on an admin connection to that database, with SAFE_OPTIONS)."""
    schema = sql.Identifier(STATS_SCHEMA)
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema))
    conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA {}").format(schema))
    row = conn.execute("SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n "
                       "ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'").fetchone()
    if row is not None and row[0] != STATS_SCHEMA:
        # Created by the server's template (an external server), often in public: moved out
        # of the app's reach.
        conn.execute(sql.SQL("ALTER EXTENSION pg_stat_statements SET SCHEMA {}").format(schema))
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, sql.Identifier(logins.stats_role)))
