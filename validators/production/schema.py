"""An efficient schema: every foreign key leads an index, the login identifier is unique."""

from __future__ import annotations

from harness.outcomes import Failure
from harness.registry import CheckContext, check

# Foreign keys whose first column starts no index: joins and ON DELETE checks scan.
FK_WITHOUT_INDEX = """
SELECT c.conrelid::regclass::text, a.attname, c.conname
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f'
  AND c.connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
ORDER BY 1, 2
"""
UNIQUE_EMAIL = """
SELECT t.relname FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
WHERE i.indisunique AND i.indnatts = 1 AND a.attname = 'email'
UNION
SELECT t.relname FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
WHERE i.indisunique AND i.indnatts = 1 AND i.indkey[0] = 0
  AND pg_get_indexdef(i.indexrelid) ILIKE '%%lower(%%email%%'
"""  # %% because PgProbe always passes parameters (psycopg reads % as a placeholder)


@check("prod.schema.indexed", points=2, services={"postgres"})
def schema_indexes_foreign_keys_and_logins(ctx: CheckContext) -> None:
    """The schema is indexed: every foreign key leads an index, and emails are unique.

    Foreign keys without an index make joins, and deletes on the referenced table, scan
    the referencing table; the login identifier needs a unique index (or constraint).
    """
    missing = ctx.pg.rows(FK_WITHOUT_INDEX)
    if missing:
        listed = "\n".join(f"  {table}.{column} (foreign key {name})" for table, column, name in missing)
        first_table, first_column, _ = missing[0]
        raise Failure(
            f"{len(missing)} foreign key(s) without an index",
            expected="an index whose first column is each foreign key column",
            actual=listed,
            hint=f"In a migration: CREATE INDEX ON {first_table} ({first_column}); and the same for the others.",
            reproduce="psql \"$DATABASE_URL\" -c '\\d " + str(first_table) + "'",
        )
    if not ctx.pg.rows(UNIQUE_EMAIL):
        raise Failure(
            "no unique index on the login email",
            expected="a UNIQUE constraint or index on the accounts' email (or on lower(email))",
            actual="no single-column unique index on a column named email",
            hint="ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); or CREATE UNIQUE INDEX ON users "
                 "(lower(email)) to ignore case.",
            reproduce="psql \"$DATABASE_URL\" -c '\\di'",
        )
