'use strict';
// One pool for the whole process, small on purpose: every instance holds at most
// DB_POOL_MAX connections however many requests arrive; the others wait for a free one.
const { Pool } = require('pg');
const settings = require('./settings');
const logger = require('./log');

const pool = new Pool({
  connectionString: settings.databaseUrl,
  max: settings.dbPoolMax,
  idleTimeoutMillis: 30_000,
});

// An idle client can lose its connection (server restart); without a listener
// that error would crash the process.
pool.on('error', (err) => logger.error({ err: err.message }, 'pg pool: idle client error'));

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
      logger.error({ err: rollbackErr.message }, 'pg: rollback failed');
    }
    throw err;
  } finally {
    client.release();
  }
}

function close() {
  return pool.end();
}

module.exports = { query, transaction, close, pool };
