'use strict';
// What every error looks like: problem+json, whatever went wrong.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call } = require('./support');
const { assertProblem } = require('./fixtures');

test('an unknown route gets 404 problem+json', async () => {
  const res = await call('GET', '/v1/nothing-here');
  assertProblem(res, 404);
  assert.match(res.body.detail, /no route/);
});

test('a body that is not JSON gets 400 problem+json', async () => {
  assertProblem(await call('POST', '/v1/authors', { body: '{"name": ' }), 400);
});

test('a body over the size limit gets 413 problem+json', async () => {
  assertProblem(await call('POST', '/v1/authors', { body: { name: 'x'.repeat(200 * 1024) } }), 413);
});

test('a body that is no JSON object gets 422', async () => {
  assertProblem(await call('POST', '/v1/authors', { body: '["a", "list"]' }), 422);
  assertProblem(await call('POST', '/v1/loans'), 422); // no body at all
});

test('an answer never shows a stack trace or SQL', async () => {
  const res = await call('POST', '/v1/books', { body: { title: 'T', isbn: 'i', author_id: 'nope' } });
  assertProblem(res, 422);
  assert.doesNotMatch(res.text, /at .*\.js:\d+|SELECT|INSERT/);
});
