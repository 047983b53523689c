'use strict';
// An example with a flaw: run `npm test` twice on the same database (README, task 1).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call } = require('./support');

test('POST /v1/members creates a member: 201, its Location, the member', async () => {
  const res = await call('POST', '/v1/members', { body: { email: 'ada@example.org', name: 'Ada Lovelace' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.headers.get('location'), `/v1/members/${res.body.id}`);
  assert.equal(res.body.email, 'ada@example.org');
  assert.equal(res.body.name, 'Ada Lovelace');
});
