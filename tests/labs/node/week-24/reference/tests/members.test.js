'use strict';
// Members: create, read, and the errors around them.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call, unique } = require('./support');
const { assertProblem } = require('./fixtures');

test('POST /v1/members creates a member: 201, its Location, then GET reads it back', async () => {
  const email = `${unique('ada')}@example.org`;
  const res = await call('POST', '/v1/members', { body: { email, name: 'Ada Lovelace' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.headers.get('location'), `/v1/members/${res.body.id}`);
  assert.deepEqual(res.body, { id: res.body.id, email, name: 'Ada Lovelace' });

  const read = await call('GET', res.headers.get('location'));
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.body, res.body);
});

test('a second member with the same e-mail gets 409', async () => {
  const email = `${unique('grace')}@example.org`;
  assert.equal((await call('POST', '/v1/members', { body: { email, name: 'Grace' } })).status, 201);
  assertProblem(await call('POST', '/v1/members', { body: { email, name: 'Another Grace' } }), 409);
});

test('an invalid member gets 422, one mistake at a time', async () => {
  const email = `${unique('x')}@example.org`;
  for (const body of [
    { name: 'No e-mail' },
    { email: 'not-an-address', name: 'Bad e-mail' },
    { email: 42, name: 'Number' },
    { email },
    { email, name: '   ' },
  ]) {
    assertProblem(await call('POST', '/v1/members', { body }), 422);
  }
  assertProblem(await call('POST', '/v1/members', { body: '["a", "list"]' }), 422);
});

test('an unknown or malformed member id gets 404', async () => {
  assertProblem(await call('GET', '/v1/members/9223372036854775807'), 404);
  assertProblem(await call('GET', '/v1/members/abc'), 404);
  assertProblem(await call('GET', '/v1/members/0'), 404);
});
