'use strict';
// A queue in PostgreSQL: a job is a row. A worker takes the oldest pending one with FOR
// UPDATE SKIP LOCKED and runs it inside that transaction: while it runs, its row stays
// locked (no other worker takes it); if the process dies, PostgreSQL ends the transaction
// with the connection, the row is pending again and the next worker takes it at once.
const db = require('../db');
const log = require('../log');

// A quarter second: a job left by a dead process (its row free again) waits at most that long.
const POLL_MS = 250;

async function enqueue() {
  const { rows } = await db.query('INSERT INTO exports DEFAULT VALUES RETURNING id::text AS id, status');
  wake();
  return rows[0];
}

async function find(id) {
  const { rows } = await db.query('SELECT id::text AS id, status, error, result FROM exports WHERE id = $1', [id]);
  return rows[0] || null;
}

async function exportBooks(client, id) {
  const { rows } = await client.query(
    `SELECT b.id::text AS id, b.title, b.isbn, b.year, b.tags, b.author_id::text AS author_id,
            json_build_object('id', a.id::text, 'name', a.name) AS author
       FROM books b JOIN authors a ON a.id = b.author_id ORDER BY b.id`,
  );
  await client.query("UPDATE exports SET status = 'done', finished_at = now(), result = $2 WHERE id = $1",
    [id, JSON.stringify({ books: rows })]);
  log.info({ export: id, books: rows.length }, 'export done');
}

/** Run the oldest pending job, if any; whether there was one. */
async function runNext() {
  let failed = null;
  const id = await db.transaction(async (client) => {
    const { rows } = await client.query(
      "SELECT id FROM exports WHERE status = 'pending' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1");
    if (!rows[0]) return null;
    await client.query('SAVEPOINT job');
    try {
      await exportBooks(client, rows[0].id);
    } catch (err) {
      // The job's own failure is recorded, not retried for ever.
      failed = err;
      await client.query('ROLLBACK TO SAVEPOINT job');
      await client.query("UPDATE exports SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1",
        [rows[0].id, err.message]);
    }
    return rows[0].id;
  });
  if (failed) log.error({ err: failed, export: id }, 'export failed');
  return id !== null;
}

// The worker: one job at a time, woken at once by enqueue() and every POLL_MS for the
// jobs another process queued or a dead one left behind.
let timer = null;
let busy = null;
let stopped = false;

async function drain() {
  while (!stopped && (await runNext()));
}

function wake() {
  if (stopped || busy) return;
  busy = drain()
    .catch((err) => log.error({ err }, 'export worker'))
    .finally(() => { busy = null; });
}

function start() {
  stopped = false;
  timer = setInterval(wake, POLL_MS);
  wake();
}

// Stop taking jobs and wait for the running one: what is still pending stays in the table
// (and a job cut short by a crash is pending again: its transaction never committed).
async function stop() {
  stopped = true;
  clearInterval(timer);
  if (busy) await busy;
}

module.exports = { enqueue, find, start, stop };
