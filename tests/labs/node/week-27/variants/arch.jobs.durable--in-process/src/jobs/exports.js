'use strict';
// Export jobs recorded in PostgreSQL, each run at once in the process that queued it.
const db = require('../db');
const log = require('../log');

async function run(id) {
  try {
    await db.query("UPDATE exports SET status = 'running', started_at = now() WHERE id = $1", [id]);
    const { rows } = await db.query(
      `SELECT b.id::text AS id, b.title, b.isbn, b.year, b.tags, b.author_id::text AS author_id,
              json_build_object('id', a.id::text, 'name', a.name) AS author
         FROM books b JOIN authors a ON a.id = b.author_id ORDER BY b.id`,
    );
    await db.query("UPDATE exports SET status = 'done', finished_at = now(), result = $2 WHERE id = $1",
      [id, JSON.stringify({ books: rows })]);
  } catch (err) {
    log.error({ err, export: id }, 'export failed');
    await db.query("UPDATE exports SET status = 'failed', error = $2 WHERE id = $1", [id, err.message]);
  }
}

async function enqueue() {
  const { rows } = await db.query('INSERT INTO exports DEFAULT VALUES RETURNING id::text AS id, status');
  setImmediate(() => run(rows[0].id));
  return rows[0];
}

async function find(id) {
  const { rows } = await db.query('SELECT id::text AS id, status, error, result FROM exports WHERE id = $1', [id]);
  return rows[0] || null;
}

function start() {}

async function stop() {}

module.exports = { enqueue, find, start, stop };
