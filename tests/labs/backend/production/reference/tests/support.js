'use strict';
// What every test file shares: the environment, the schema and a clean cache, and the one
// teardown of the run.
//
// The tests need DATABASE_URL (a database of their own: they create the schema in it
// by running the migrations) and REDIS_URL (they delete the app's shelf:* keys there).
// The harness gives them both; CI gets them from its service containers.
//
// tests/run.js loads every test file into one process, so the pool and the Redis client
// are shared by all of them and must stay open until the last test of the run: requiring
// this file registers one after() hook, once per process (modules load once), that closes
// what the files asked to close (onTeardown) and then the pool and the Redis client. No
// test file closes them itself. `node --test tests/unit/x.test.js` runs one file alone,
// with this same teardown.
const { after } = require('node:test');
process.env.LOG_LEVEL ??= 'silent';
process.env.JWT_SECRET ??= 'a-secret-for-the-tests-only-0123456789abcdef';
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379/1';
// bcrypt at its lowest cost: the suite hashes and compares passwords a few dozen times, and at
// the production cost (10, 64 times the work) that alone was most of its run. What the tests
// prove does not depend on the cost; tests/unit/config.test.js checks its default.
process.env.BCRYPT_ROUNDS ??= '4';
if (!process.env.DATABASE_URL) {
  throw new Error('the tests need DATABASE_URL: a PostgreSQL database of their own (it may be empty)');
}

const { migrate } = require('../scripts/migrate');

let prepared = null;

/** The schema in the test database, and no cache entry or limiter count left from before. */
function prepare() {
  prepared ??= (async () => {
    await migrate(process.env.DATABASE_URL);
    const { redis } = require('../src/redis');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'shelf:*', 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  })();
  return prepared;
}

const closers = [];

/** Something to close after the last test of the run (a server), before the pool and Redis. */
function onTeardown(close) {
  closers.push(close);
}

/** Whether a test file has loaded this module of src/ (a run of unit tests alone opens no pool). */
function loaded(modulePath) {
  return require.cache[require.resolve(modulePath)] !== undefined;
}

after(async () => {
  for (const close of closers.reverse()) await close();
  // Closed so that the process can exit; opened only if a test used them.
  if (loaded('../src/db')) await require('../src/db').close();
  if (loaded('../src/redis')) await require('../src/redis').close();
});

let counter = 0;
/** A value no other test (or earlier run) uses. */
function unique(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** Rows to test with, made through the repositories. */
async function author(name = unique('Author')) {
  const { rows } = await require('../src/db').query('INSERT INTO authors (name) VALUES ($1) RETURNING id', [name]);
  return rows[0].id;
}

function book(authorId, fields = {}) {
  return require('../src/repos/books').create({ title: unique('Title'), isbn: unique('isbn'), year: 2001,
    author_id: authorId, tags: ['test'], copies_total: 2, ...fields });
}

function member() {
  return require('../src/repos/accounts').register({ email: `${unique('m')}@shelf.test`, name: 'Reader',
    passwordHash: 'x' });
}

module.exports = { prepare, onTeardown, unique, author, book, member };
