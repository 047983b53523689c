'use strict';
// One pool for the whole process: at most 10 connections, however many requests
// arrive at once. Requests beyond that wait for a free client instead of opening
// more connections.
const { Pool } = require('pg');

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  idleTimeoutMillis: 10_000,
});

// An idle client can lose its connection (server restart); without a listener
// that error would crash the process.
pool.on('error', (err) => console.error(`pg pool: idle client error: ${err.message}`));

/** Run one parameterized statement on any free pooled connection. */
function query(text, params) {
  return pool.query(text, params);
}

/**
 * Run fn(client) inside BEGIN ... COMMIT on one pooled client. Any error rolls
 * back and is rethrown; the client always goes back to the pool.
 */
async function transaction(fn) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      console.error(`pg: rollback failed: ${rollbackErr.message}`);
    }
    throw err;
  } finally {
    client.release();
  }
}

function close() {
  return pool.end();
}

module.exports = { query, transaction, close };
