'use strict';
// Catches: a book with a negative copies_total is accepted.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call, unique } = require('./support');
const { author, book, assertProblem } = require('./fixtures');

test('a negative copies_total gets 422, on POST and on PATCH', async () => {
  const by = await author();
  const body = { title: 'Negative', isbn: unique('isbn'), author_id: by.id, copies_total: -1 };
  assertProblem(await call('POST', '/v1/books', { body }), 422);

  const created = await book({ copies_total: 2 }, by.id);
  assertProblem(await call('PATCH', `/v1/books/${created.id}`, { body: { copies_total: -1 } }), 422);
  const read = await call('GET', `/v1/books/${created.id}`);
  assert.equal(read.body.copies_total, 2);
  assert.equal(read.body.copies_available, 2);
});

test('copies_total 0 is valid: a book can be listed before its copies arrive', async () => {
  const created = await book({ copies_total: 0 });
  assert.equal(created.copies_total, 0);
  assert.equal(created.copies_available, 0);
});
