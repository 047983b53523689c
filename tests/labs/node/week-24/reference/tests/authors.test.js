'use strict';
// Authors: create, read, and the errors around them.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call } = require('./support');
const { assertProblem } = require('./fixtures');

test('POST /v1/authors creates an author: 201, its Location, then GET reads it back', async () => {
  const res = await call('POST', '/v1/authors', { body: { name: 'Ursula K. Le Guin' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(typeof res.body.id, 'string');
  assert.equal(res.headers.get('location'), `/v1/authors/${res.body.id}`);
  assert.equal(res.body.name, 'Ursula K. Le Guin');

  const read = await call('GET', `/v1/authors/${res.body.id}`);
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.body, res.body);
});

test('an author without a name gets 422', async () => {
  for (const body of [{}, { name: '' }, { name: '  ' }, { name: 7 }]) {
    assertProblem(await call('POST', '/v1/authors', { body }), 422);
  }
});

test('an unknown or malformed author id gets 404', async () => {
  assertProblem(await call('GET', '/v1/authors/9223372036854775807'), 404);
  assertProblem(await call('GET', '/v1/authors/9223372036854775808'), 404);
  assertProblem(await call('GET', '/v1/authors/-1'), 404);
});
