"""A hostile app's database does not make the harness run its code as a superuser.

Each test gives a fresh database and app role on a real PostgreSQL, plants as the app what
a submission could (a schema named after the harness's roles with look-alike views and
functions, a trigger on the seeded table, custom operators, a SECURITY DEFINER function,
database-wide settings), then runs the probe and seed code paths the checks use. Every
planted object logs who ran it; the app's role must never become a superuser and nothing
may have run as one. The first test measures why the probes log in as roles of their own
instead of using SET ROLE on a superuser session.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from harness.introspect.pg import PgProbe
from harness.introspect.statements import observe
from harness.outcomes import Failure
from harness.proc.reaper import Reaper
from harness.services.base import Mode, ServiceSettings
from harness.services.pg_access import SAFE_OPTIONS, STATS_SCHEMA, install_statements
from harness.services.postgres import SUPERUSER, AppDatabase, LocalPostgres, start_local
from harness.validators.db import seed
from tests.support.projects import reference

COPIES = 4
MIGRATIONS = sorted((reference("node", "week-18") / "migrations").glob("*.sql"))
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalPostgres]:
    settings = ServiceSettings(mode=Mode.LOCAL, run_id="hostile", reaper=Reaper())
    started = start_local(settings)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def settings() -> ServiceSettings:
    return ServiceSettings(mode=Mode.LOCAL, run_id="hostile", reaper=Reaper())


@pytest.fixture
def database(server: LocalPostgres, settings: ServiceSettings) -> Iterator[AppDatabase]:
    created = AppDatabase.create(server, settings, purpose=f"t{next(_numbers)}")
    try:
        yield created
    finally:
        created.drop(settings)
        with admin(server.admin_url) as conn:
            left = conn.execute("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname LIKE %s",
                                (created.role + "%",)).fetchall()
        assert left == [], "the run's roles are dropped with its database"


def admin(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True, options=SAFE_OPTIONS)


def as_app(database: AppDatabase) -> psycopg.Connection[Any]:
    """The app's own connection, with its migrations applied and a few rows."""
    conn = psycopg.connect(database.url, autocommit=True)
    for migration in MIGRATIONS:
        conn.execute(migration.read_text())
    author = conn.execute("INSERT INTO authors (name) VALUES ('Ursula') RETURNING id").fetchone()
    assert author is not None
    for n in range(3):
        conn.execute("INSERT INTO books (title, isbn, author_id, copies_total, copies_available) "
                     "VALUES (%s, %s, %s, 2, 2)", (f"Book {n}", f"isbn-{n}", author[0]))
    return conn


def plant_logger(app: psycopg.Connection[Any], database: AppDatabase, marker: Path) -> None:
    """public.pwn(what): logs who runs it, then tries every way up to superuser it knows,
    each refusal swallowed so that the harness's statement goes on."""
    grab = f"ALTER ROLE {database.role} SUPERUSER"
    attempts = [[grab], ["RESET ROLE", grab], [f"SET ROLE {SUPERUSER}", grab],
                [f"SET SESSION AUTHORIZATION {SUPERUSER}", grab], [f"COPY (SELECT 1) TO PROGRAM 'touch {marker}'"]]
    blocks = "".join("BEGIN " + "".join(f"EXECUTE {sql.Literal(step).as_string(app)}; " for step in steps)
                     + "EXCEPTION WHEN others THEN NULL; END; " for steps in attempts)
    app.execute("CREATE TABLE attack_log (who text, sess text, super boolean, what text)")
    app.execute("GRANT INSERT, SELECT ON attack_log TO PUBLIC")
    app.execute(
        "CREATE FUNCTION public.pwn(what text) RETURNS boolean LANGUAGE plpgsql AS $f$ BEGIN "
        "INSERT INTO public.attack_log SELECT current_user, session_user, r.rolsuper, what "
        "FROM pg_catalog.pg_roles r WHERE r.rolname = current_user; "
        f"{blocks} RETURN true; END $f$")


def attack_log(app: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return app.execute("SELECT who, sess, super, what FROM public.attack_log ORDER BY what").fetchall()


def is_superuser(server: LocalPostgres, role: str) -> bool:
    with admin(server.admin_url) as conn:
        row = conn.execute("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = %s", (role,)).fetchone()
    return bool(row and row[0])


def probe_for(database: AppDatabase) -> PgProbe:
    return PgProbe(database.probe.stats_url, database.probe.work_url, app_role=database.role,
                   app_database=database.name, read_dsn=database.probe.read_url)


def exercise(pg: PgProbe, app: psycopg.Connection[Any]) -> dict[str, Any]:
    """Every probe path the checks take: statistics, activity, catalog, counting, seeding
    (COPIES clones of each of two new books), EXPLAIN."""
    tag = secrets.token_hex(3)
    ids = [str(r[0]) for r in app.execute(
        "INSERT INTO books (title, isbn, author_id, copies_total, copies_available) "
        "SELECT 'T', %s || n, (SELECT min(id) FROM authors), 1, 1 FROM generate_series(1, 2) n RETURNING id",
        (tag,)).fetchall()]
    before = pg.count("books")
    _, window = observe(pg, lambda: app.execute("SELECT title FROM books WHERE id = %s", (int(ids[0]),)))
    seen: dict[str, Any] = {
        "window": window, "statements": pg.statements(), "connections": pg.app_connections(),
        "busy": pg.app_busy(), "backends": pg.app_backends(), "tables": pg.tables(),
        "snapshot": pg.schema_snapshot(), "migrations": pg.migration_tables(),
    }
    marker = seed.clone(pg, "books", ids, COPIES)
    if marker:
        seed.clone_children(pg, "books", marker, ids, exclude=("loans",))
    pg.analyze()
    truth = app.execute("SELECT count(*) FROM public.books").fetchone()
    seen.update(seeded=pg.count("books") - before, count=pg.count("books"), truth=truth[0] if truth else None,
                blocks=pg.heap_blocks("books"),
                plan=pg.explain("SELECT * FROM books WHERE author_id = %s", (1,)),
                rows=pg.rows("SELECT title FROM books ORDER BY id LIMIT 1"))
    return seen


def test_set_role_on_a_superuser_session_is_undone_by_a_trigger(server: LocalPostgres, database: AppDatabase,
                                                                 tmp_path: Path) -> None:
    """Why the probes log in as roles of their own: code the app planted, run under SET ROLE
    on a superuser session, takes the superuser back with RESET ROLE."""
    app = as_app(database)
    plant_logger(app, database, tmp_path / "never")
    app.execute("CREATE FUNCTION public.audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "PERFORM public.pwn('trigger on books'); RETURN NEW; END $$")
    app.execute("CREATE TRIGGER audit AFTER INSERT ON books FOR EACH ROW EXECUTE FUNCTION public.audit()")
    with admin(database.admin_url) as su, su.transaction():
        su.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(database.role)))
        su.execute("INSERT INTO public.books (title, isbn, author_id, copies_total, copies_available) "
                   "SELECT 'x', 'isbn-x', author_id, 1, 1 FROM public.books LIMIT 1")
    try:
        assert is_superuser(server, database.role), "PostgreSQL let a trigger RESET ROLE to the superuser"
    finally:
        with admin(server.admin_url) as su:
            su.execute(sql.SQL("ALTER ROLE {} NOSUPERUSER").format(sql.Identifier(database.role)))
    app.close()


def test_a_trigger_on_the_seeded_table_runs_with_the_apps_rights_only(server: LocalPostgres, database: AppDatabase,
                                                                     tmp_path: Path) -> None:
    pg = probe_for(database)
    app = as_app(database)
    marker = tmp_path / "pwned"
    plant_logger(app, database, marker)
    app.execute("CREATE FUNCTION public.audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "PERFORM public.pwn('trigger on books'); RETURN NEW; END $$")
    app.execute("CREATE TRIGGER audit AFTER INSERT ON books FOR EACH STATEMENT EXECUTE FUNCTION public.audit()")
    try:
        seen = exercise(pg, app)
        assert seen["seeded"] == 2 * COPIES and seen["count"] == seen["truth"], "the seed went through"
        log = attack_log(app)
        probe = database.probe.work_role
        assert (probe, probe, False, "trigger on books") in log, "the trigger ran for the seed, as the probe"
        assert [row for row in log if row[2] or row[0] not in (probe, database.role)] == [], log
        assert not is_superuser(server, database.role) and not marker.exists()
    finally:
        pg.close()
        app.close()


def test_a_trigger_that_refuses_the_seed_fails_the_check_by_name(server: LocalPostgres,
                                                                database: AppDatabase) -> None:
    pg = probe_for(database)
    app = as_app(database)
    app.execute("CREATE FUNCTION public.grab() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF current_user <> '{database.role}' THEN EXECUTE 'ALTER ROLE {database.role} SUPERUSER'; "
                "END IF; RETURN NEW; END $$")
    app.execute("CREATE TRIGGER grab BEFORE INSERT ON books FOR EACH ROW EXECUTE FUNCTION public.grab()")
    try:
        ids = [str(r[0]) for r in app.execute("SELECT id FROM books").fetchall()]
        with pytest.raises(Failure) as failed:
            seed.clone(pg, "books", ids, 2)
        failure = failed.value
        assert failure.message.startswith("the database refused the harness's own query: must be superuser")
        assert "PL/pgSQL function grab()" in (failure.actual or "")
        assert "trigger, rule or row-level policy" in (failure.hint or "")
        assert pg.count("books") == 3 and not is_superuser(server, database.role)
    finally:
        pg.close()
        app.close()


def _shadows(app: psycopg.Connection[Any], schema: str) -> None:
    """Look-alikes of what a probe reads, in `schema`, each logging when it runs (in public,
    where the app's tables are, only the system's look-alikes)."""
    s = sql.Identifier(schema).as_string(app)
    tag = schema.replace("'", "")
    for view, body in (
        ("books", "SELECT b.* FROM public.books b"),
        ("authors", "SELECT a.* FROM public.authors a"),
        ("pg_stat_activity", "SELECT a.* FROM pg_catalog.pg_stat_activity a"),
        ("pg_class", "SELECT c.* FROM pg_catalog.pg_class c"),
        ("pg_roles", "SELECT r.* FROM pg_catalog.pg_roles r"),
        ("pg_extension", "SELECT e.* FROM pg_catalog.pg_extension e"),
        ("pg_namespace", "SELECT n.* FROM pg_catalog.pg_namespace n"),
        ("pg_stat_statements", "SELECT 10::oid AS userid, 1::oid AS dbid, 424242::bigint AS queryid, "
                               "'SELECT fake'::text AS query, 99::bigint AS calls, 1::bigint AS rows, "
                               "0::bigint AS shared_blks_hit, 0::bigint AS shared_blks_read"),
    ):
        if schema != "public" or view.startswith("pg_"):
            app.execute(f"CREATE VIEW {s}.{view} AS {body} WHERE public.pwn('{tag}.{view}')")
    for name, args, returns, call in (
        ("current_setting", "text", "text", "pg_catalog.current_setting($1)"),
        ("pg_relation_size", "regclass", "bigint", "pg_catalog.pg_relation_size($1)"),
        ("to_regclass", "text", "regclass", "pg_catalog.to_regclass($1)"),
        ("format_type", "oid, integer", "text", "pg_catalog.format_type($1, $2)"),
        ("count", "anyelement", "bigint", "1"),
    ):
        app.execute(f"CREATE FUNCTION {s}.{name}({args}) RETURNS {returns} LANGUAGE sql AS "
                    f"$$ SELECT CASE WHEN public.pwn('{tag}.{name}()') THEN {call} END $$")


def test_schemas_named_after_the_harness_roles_are_never_read(server: LocalPostgres, database: AppDatabase,
                                                             tmp_path: Path) -> None:
    pg = probe_for(database)
    app = as_app(database)
    plant_logger(app, database, tmp_path / "pwned")
    for schema in (SUPERUSER, "postgres", database.probe.stats_role, database.probe.work_role):
        app.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        _shadows(app, schema)
    _shadows(app, "public")  # public.pg_stat_statements: a lying look-alike where the extension used to be
    try:
        seen = exercise(pg, app)
        assert attack_log(app) == [], "nothing planted ran, not even with the probes' own rights"
        assert 424242 not in seen["statements"] and seen["connections"] == 1
        assert any("SELECT title FROM books" in s.query for s in seen["window"].statements), seen["window"]
        assert seen["seeded"] == 2 * COPIES and seen["count"] == seen["truth"]
        assert "books" in seen["tables"] and "attack_log" in seen["tables"] and seen["blocks"] > 0
        assert not is_superuser(server, database.role)
    finally:
        pg.close()
        app.close()


def test_operators_definer_functions_and_database_settings_change_nothing(
        server: LocalPostgres, database: AppDatabase, tmp_path: Path) -> None:
    before = probe_for(database)  # connected before the app ran, as a run's probe is
    app = as_app(database)
    plant_logger(app, database, tmp_path / "pwned")
    app.execute("CREATE SCHEMA evil")
    _shadows(app, "evil")
    for left, right in (("name", "text"), ("text", "text"), ("oid", "bigint"), ("bigint", "bigint")):
        fn = f"public.eq_{left}_{right}"
        app.execute(f"CREATE FUNCTION {fn}({left}, {right}) RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER "
                    f"AS $$ BEGIN RETURN public.pwn('operator =({left}, {right})'); END $$")
        app.execute(f"CREATE OPERATOR public.= (LEFTARG = {left}, RIGHTARG = {right}, FUNCTION = {fn})")
    app.execute(sql.SQL("ALTER DATABASE {} SET search_path = evil, public").format(sql.Identifier(database.name)))
    app.execute(sql.SQL("ALTER ROLE {} SET search_path = evil, public").format(sql.Identifier(database.role)))
    after = probe_for(database)  # a connection made after the app changed the database's defaults
    own: PgProbe | None = None
    try:
        for pg in (before, after):
            seen = exercise(pg, app)
            assert 424242 not in seen["statements"] and seen["seeded"] == 2 * COPIES
            assert seen["connections"] == 1, "usename = %s compared with the system's operator"
        # Logged in as the app itself (how a test run's leftovers are counted): its own defaults yield too.
        own = PgProbe(database.url, database.url, app_role=database.role, app_database=database.name,
                      read_dsn=database.url)
        assert own.scalar("SHOW search_path") == f"{database.role}, public" and own.count("books") == seen["truth"]
        assert attack_log(app) == [], "neither the operators nor the look-alikes ran"
        assert not is_superuser(server, database.role)
    finally:
        for pg in (before, after, own):
            if pg is not None:
                pg.close()
        app.close()


def test_a_superuser_login_is_refused_as_the_work_connection(server: LocalPostgres, database: AppDatabase) -> None:
    with pytest.raises(RuntimeError, match="non-superuser"):
        PgProbe(database.probe.stats_url, database.admin_url, app_role=database.role, app_database=database.name,
                read_dsn=database.probe.read_url)


def test_statistics_the_app_could_replace_are_not_trusted(server: LocalPostgres, settings: ServiceSettings,
                                                          database: AppDatabase) -> None:
    """An extension left in public (an external server's template) is moved to the harness's
    schema; where it stays in a schema the app owns, the checks that need it say why not."""
    with admin(database.admin_url) as su:
        su.execute("ALTER EXTENSION pg_stat_statements SET SCHEMA public")
    pg = probe_for(database)
    try:
        assert not pg.has_pg_stat_statements()
        assert pg.statements_problem == "pg_stat_statements is installed in schema public, which the app's role " \
                                        "can change"
    finally:
        pg.close()
    with admin(database.admin_url) as su:
        install_statements(su, database.probe)
        where = su.execute("SELECT extnamespace::regnamespace::text FROM pg_catalog.pg_extension "
                           "WHERE extname = 'pg_stat_statements'").fetchone()
    assert where == (STATS_SCHEMA,)
    pg = probe_for(database)
    try:
        assert pg.has_pg_stat_statements()
    finally:
        pg.close()


def test_the_stats_login_cannot_read_the_apps_rows(server: LocalPostgres, database: AppDatabase) -> None:
    """The stats role reads statistics, not data: whatever it runs, the app's rows stay apart."""
    app = as_app(database)
    try:
        with psycopg.connect(database.probe.stats_url, autocommit=True) as stats, \
                pytest.raises(psycopg.errors.InsufficientPrivilege):
            stats.execute("SELECT * FROM public.books")
    finally:
        app.close()


def test_the_read_login_sees_no_other_session_nor_the_statements(server: LocalPostgres, settings: ServiceSettings,
                                                                   database: AppDatabase) -> None:
    """The sql track runs a learner's SELECT as the read login. On a server several submissions
    share, another run's query text in pg_stat_activity or pg_stat_statements would be another
    learner's answer: the read login sees neither, nor any row it was not granted."""
    other = AppDatabase.create(server, settings, purpose=f"t{next(_numbers)}")
    marker = f"answer_{secrets.token_hex(4)}"
    app = as_app(database)  # the app's own tables, books among them
    try:
        with psycopg.connect(other.probe.work_url, autocommit=True) as busy, \
                psycopg.connect(database.probe.read_url, autocommit=True) as reader, \
                psycopg.connect(database.probe.stats_url, autocommit=True) as stats:
            busy.execute("SELECT set_config('application_name', %s, false)", (marker,))
            busy.execute(f"SELECT '{marker}' AS answer").fetchall()
            # What the read login is kept from: the stats login, by design, sees it.
            shown = "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE query LIKE %s"
            assert stats.execute(shown, (f"%{marker}%",)).fetchone() == (1,)
            assert reader.execute(shown, (f"%{marker}%",)).fetchone() == (0,), \
                "another database's session text is visible to the read login"
            for forbidden in (f"SELECT query FROM {STATS_SCHEMA}.pg_stat_statements",
                              "SELECT 1 FROM pg_catalog.pg_read_file('postgresql.conf')",
                              "SELECT * FROM public.books"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    reader.execute(forbidden)
    finally:
        app.close()
        other.drop(settings)
