'use strict';
// The schema the migrations build, in a real PostgreSQL.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { prepare } = require('../support');
const db = require('../../src/db');
const { migrate } = require('../../scripts/migrate');

before(prepare);

test('the migrations are re-runnable', async () => {
  assert.deepEqual(await migrate(process.env.DATABASE_URL), []);
});

test('every foreign key leads an index, and e-mails are unique', async () => {
  const { rows } = await db.query(`
    SELECT c.conrelid::regclass::text AS tbl, c.conname FROM pg_constraint c
     WHERE c.contype = 'f' AND NOT EXISTS (
       SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])`);
  assert.deepEqual(rows, []);
  const unique = await db.query(`
    SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
     WHERE i.indrelid = 'members'::regclass AND i.indisunique AND a.attname = 'email'`);
  assert.equal(unique.rowCount, 1);
});

test('a failed statement rolls the whole transaction back', async () => {
  await assert.rejects(db.transaction(async (client) => {
    await client.query('INSERT INTO authors (name) VALUES ($1)', ['Rolled back']);
    await client.query('SELECT * FROM no_such_table');
  }));
  const { rows } = await db.query("SELECT count(*)::int AS n FROM authors WHERE name = 'Rolled back'");
  assert.equal(rows[0].n, 0);
});
