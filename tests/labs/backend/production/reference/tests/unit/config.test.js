'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
require('../support');
const config = require('../../src/config');

const saved = { ...process.env };
/**
 * Put back what a test changed in the environment. A hook of each test, not a top-level
 * afterEach: tests/run.js loads every file into one process, where a top-level hook would
 * run after every test of every file.
 */
function restore() {
  for (const key of ['JWT_SECRET', 'DB_POOL_MAX', 'PORT', 'CACHE_TTL_S', 'REDIS_URL', 'BCRYPT_ROUNDS']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
}

test('the settings come from the environment, with defaults', (t) => {
  t.after(restore);
  process.env.PORT = '4321';
  delete process.env.DB_POOL_MAX;
  delete process.env.BCRYPT_ROUNDS;
  const settings = config.load();
  assert.equal(settings.port, 4321);
  assert.equal(settings.dbPoolMax, 5);
  assert.equal(settings.bcryptRounds, 10, 'production hashes at cost 10 unless told otherwise');
  assert.equal(settings.databaseUrl, process.env.DATABASE_URL);
});

test('a missing or short JWT secret stops the process instead of a secret per process', (t) => {
  t.after(restore);
  delete process.env.JWT_SECRET;
  assert.throws(() => config.load(), /JWT_SECRET is not set/);
  process.env.JWT_SECRET = 'short';
  assert.throws(() => config.load(), /at least 32 bytes/);
});

test('numbers must be positive integers', (t) => {
  t.after(restore);
  process.env.DB_POOL_MAX = 'many';
  assert.throws(() => config.load(), /DB_POOL_MAX must be a positive integer/);
  process.env.DB_POOL_MAX = '0';
  assert.throws(() => config.load(), /DB_POOL_MAX/);
  assert.equal(config.positiveInt('NOT_SET_ANYWHERE', 7), 7);
});

test("bcrypt's cost is read from BCRYPT_ROUNDS, within bcrypt's range", (t) => {
  t.after(restore);
  for (const outside of ['3', '32', 'ten']) {
    process.env.BCRYPT_ROUNDS = outside;
    assert.throws(() => config.load(), /BCRYPT_ROUNDS must be/);
  }
  process.env.BCRYPT_ROUNDS = '12';
  assert.equal(config.load().bcryptRounds, 12);
});
