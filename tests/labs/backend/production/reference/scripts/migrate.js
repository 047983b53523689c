'use strict';
// Versioned migrations: applies migrations/NNN_name.sql in name order, each in its
// own transaction together with its row in schema_migrations, and skips the
// versions already recorded there. Running it again changes nothing. The tests call
// migrate() too, to build the schema in their own empty database.
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');

const DIR = path.join(__dirname, '..', 'migrations');
// Any constant works: it only keeps two migrators from running at the same time.
const LOCK_KEY = 18_2024;

/** Apply the pending migrations; returns the versions applied. */
async function migrate(connectionString, log = () => {}) {
  const client = new Client({ connectionString });
  await client.connect();
  const done = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));

    const files = fs.readdirSync(DIR).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
    for (const file of files) {
      const version = file.replace(/\.sql$/, '');
      if (applied.has(version)) continue;
      const sql = fs.readFileSync(path.join(DIR, file), 'utf8');
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`${file}: ${err.message}`);
      }
      log({ version }, `applied ${version}`);
      done.push(version);
    }
    return done;
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  const line = (level, fields, msg) =>
    process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), ...fields, msg })}\n`);
  migrate(process.env.DATABASE_URL, (fields, msg) => line('info', fields, msg)).then(
    (done) => line('info', { applied: done.length }, done.length ? `${done.length} migration(s) applied, schema is up to date` : 'schema is up to date'),
    (err) => {
      line('fatal', {}, `migrate: ${err.message}`);
      process.exit(1);
    },
  );
}

module.exports = { migrate };
