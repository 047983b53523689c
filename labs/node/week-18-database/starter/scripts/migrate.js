'use strict';
// Database migrations: run by the harness (and by you) with `node scripts/migrate.js`,
// always TWICE in a row. The second run must change nothing.
//
// TODO (README, task 1): make this script apply the files in migrations/.
//   1. Connect with DATABASE_URL (a pg.Client is enough here; end it when done).
//   2. Keep a table that records which migrations were applied already, e.g.
//      schema_migrations(version text primary key, applied_at timestamptz default now()).
//   3. Read migrations/*.sql in name order (001_..., 002_...). For each version that
//      is not recorded yet: run the file AND record its version in the same
//      transaction, so a file that fails half-way leaves no trace and is retried
//      next time.
//   4. Print what was applied, or "up to date" when nothing was left to do.
//   5. Exit with a non-zero code (and a one-line message) when something fails.
// Applied migrations are never edited afterwards: a change to the schema is a new file.

function main() {
  console.log('migrate: nothing to apply yet (TODO: see scripts/migrate.js)');
}

main();
