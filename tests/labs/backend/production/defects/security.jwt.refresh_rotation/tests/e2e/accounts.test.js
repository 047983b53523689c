'use strict';
// End to end: register, login, me, refresh rotation, logout, the login limiter.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { unique } = require('../support');
const { serve, call, account, password } = require('./http');

serve();

test('accounts: register, login, me, refresh rotation, logout, and the login limiter', async () => {
  const member = await account();
  const me = await call('GET', '/v1/me', { token: member.access_token });
  assert.equal(me.json.email, member.email);
  assert.equal(me.text.includes('password'), false);
  assert.equal((await call('GET', '/v1/me')).status, 401);
  assert.equal((await call('GET', '/v1/me', { token: member.refresh_token })).status, 401);

  const refreshed = await call('POST', '/v1/auth/refresh', { body: { refresh_token: member.refresh_token } });
  assert.equal(refreshed.status, 200);
  assert.notEqual(refreshed.json.refresh_token, member.refresh_token);
  assert.equal((await call('POST', '/v1/auth/refresh', { body: {} })).status, 401);

  const again = await call('POST', '/v1/auth/login', { body: { email: member.email, password } });
  assert.equal((await call('POST', '/v1/auth/logout', { body: { refresh_token: again.json.refresh_token } })).status, 204);
  assert.equal((await call('POST', '/v1/auth/logout', { body: { refresh_token: again.json.refresh_token } })).status, 401);

  assert.equal((await call('POST', '/v1/auth/register', { body: { email: member.email, password, name: 'x' } })).status, 409);
  assert.equal((await call('POST', '/v1/auth/register', { body: { email: 'nope', password, name: 'x' } })).status, 422);
  assert.equal((await call('POST', '/v1/auth/register', { body: { email: `${unique('w')}@shelf.test`, password: 'short', name: 'x' } })).status, 422);

  const statuses = [];
  for (let i = 0; i < 11; i += 1) {
    statuses.push((await call('POST', '/v1/auth/login', { body: { email: member.email, password: `wrong ${i}` } })).status);
  }
  assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
  const blocked = await call('POST', '/v1/auth/login', { body: { email: member.email, password } });
  assert.equal(blocked.status, 429);
  assert.ok(Number(blocked.headers.get('retry-after')) >= 1);
});
