'use strict';
// The database connection, shared by the whole app.
//
// pg.Pool keeps a small set of open connections and lends one to each query.
// A pool holds at most `max` connections (node-postgres' default is 10): when all
// are busy, further queries wait for a free one instead of opening more.
const { Pool } = require('pg');

const pool = new Pool({
  connectionString: process.env.DATABASE_URL, // set by the harness (and by you, locally)
});

// Without this listener, an idle connection that drops would crash the process.
pool.on('error', (err) => console.error(`pg pool: idle client error: ${err.message}`));

/**
 * Run one SQL statement. Always pass values separately:
 *   query('SELECT * FROM books WHERE id = $1', [id])
 * never inside the SQL text.
 */
function query(text, params) {
  return pool.query(text, params);
}

// TODO (README, task 5): borrowing a book changes two tables. Add a helper that
// runs several statements on ONE client taken from the pool (pool.connect())
// inside a transaction: COMMIT when everything worked, ROLLBACK on any error,
// and always give the client back (client.release()), even after an error.

function close() {
  return pool.end();
}

module.exports = { query, close };
