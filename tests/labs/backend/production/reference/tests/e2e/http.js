'use strict';
// The app started in the test process on a free port, and a small HTTP client for it.
const { before } = require('node:test');
const assert = require('node:assert/strict');
const { prepare, onTeardown, unique } = require('../support');
const app = require('../../src/app');
const db = require('../../src/db');

let serving = false;
let server = null;
let base;

/**
 * The app for the calling file's tests. Every e2e file calls it; in one process (tests/run.js)
 * they share one app: the first call starts it before the first test of the run, and the
 * run's teardown (support.js) stops it after the last.
 */
function serve() {
  if (serving) return;
  serving = true;
  before(async () => {
    await prepare();
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  onTeardown(async () => {
    if (server === null) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
}

/** One request; the answer's status, headers, text and JSON (null when it is not JSON). */
async function call(method, path, { body, token, headers = {} } = {}) {
  const response = await fetch(base + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, json, text };
}

const password = 'correct horse battery staple';

/** A registered, logged-in account: {id, email, access_token, refresh_token}; admin through the database. */
async function account({ admin = false } = {}) {
  const email = `${unique(admin ? 'admin' : 'member')}@shelf.test`;
  const body = { email, password, name: 'Reader', role: 'admin' };
  const registered = await call('POST', '/v1/auth/register', { body });
  assert.equal(registered.status, 201, registered.text);
  assert.equal(registered.json.role, 'member', 'the body cannot choose the role');
  if (admin) await db.query("UPDATE members SET role = 'admin' WHERE id = $1", [registered.json.id]);
  const login = await call('POST', '/v1/auth/login', { body: { email, password } });
  assert.equal(login.status, 200, login.text);
  return { id: registered.json.id, email, ...login.json };
}

module.exports = { serve, call, account, password };
