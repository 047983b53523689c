'use strict';
// Export jobs in memory: a Map of jobs, run with setImmediate.
const db = require('../db');
const log = require('../log');

const jobs = new Map();
let next = 1;

async function run(job) {
  job.status = 'running';
  try {
    const { rows } = await db.query(
      `SELECT b.id::text AS id, b.title, b.isbn, b.year, b.tags, b.author_id::text AS author_id,
              json_build_object('id', a.id::text, 'name', a.name) AS author
         FROM books b JOIN authors a ON a.id = b.author_id ORDER BY b.id`,
    );
    Object.assign(job, { status: 'done', result: { books: rows } });
  } catch (err) {
    log.error({ err }, 'export failed');
    Object.assign(job, { status: 'failed', error: err.message });
  }
}

async function enqueue() {
  const job = { id: String(next++), status: 'pending', error: null, result: null };
  jobs.set(job.id, job);
  setImmediate(() => run(job));
  return { id: job.id, status: job.status };
}

async function find(id) {
  return jobs.get(String(id)) || null;
}

function start() {}

async function stop() {}

module.exports = { enqueue, find, start, stop };
