'use strict';
// Catches: an unknown book id answers 200 instead of 404.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call } = require('./support');
const { book, assertProblem } = require('./fixtures');

test('GET /v1/books/{id} of an id no book has gets 404 problem+json', async () => {
  const res = await call('GET', '/v1/books/9223372036854775807');
  assertProblem(res, 404);
});

test('a deleted book is gone: GET gets 404', async () => {
  const gone = await book();
  assert.equal((await call('DELETE', `/v1/books/${gone.id}`)).status, 204);
  assertProblem(await call('GET', `/v1/books/${gone.id}`), 404);
});
