'use strict';
// What every test file shares: the schema in the test database, the app on a free port,
// and a small HTTP client for it.
//
//   const { call, unique } = require('./support');
//
// Requiring this file (at the top of a test file) registers two hooks, once per process:
// before the first test, the migrations run on DATABASE_URL and the app starts on a free
// port; after the last, the server and the connection pool close so that the process can
// exit. tests/run.js loads every test file into one process, so they share this app (and
// `node --test tests/x.test.js` runs one file alone, with an app of its own).
const { before, after } = require('node:test');
const { execFile } = require('node:child_process');
const path = require('node:path');

if (!process.env.DATABASE_URL) {
  throw new Error('the tests need DATABASE_URL: a PostgreSQL database of their own (an empty one is fine)');
}

const app = require('../src/app');
const db = require('../src/db');

const MIGRATE = path.join(__dirname, '..', 'scripts', 'migrate.js');

let server = null;
let base = null;

/** The schema, by the project's own migrate script (it skips what is already applied). */
function migrate() {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [MIGRATE], { env: process.env }, (err, stdout, stderr) => {
      if (err) reject(new Error(`node scripts/migrate.js failed: ${stderr || err.message}`));
      else resolve();
    });
  });
}

before(async () => {
  await migrate();
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  if (server !== null) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await db.close();
});

/**
 * One request to the app: `await call('POST', '/v1/authors', { body: { name: 'Ada' } })`.
 * body: an object (sent as JSON) or a string (sent as it is, as application/json).
 * Returns { status, headers, body, text }: body is the parsed JSON, or null when the answer
 * is empty or not JSON; headers.get('location') reads a header.
 */
async function call(method, urlPath, { body, headers = {} } = {}) {
  if (base === null) throw new Error('call() runs inside a test: the app starts in a before hook');
  const response = await fetch(base + urlPath, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, body: json, text };
}

let counter = 0;
/** A value no other test, and no earlier run on the same database, has used: unique('isbn'). */
function unique(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

module.exports = { call, unique };
