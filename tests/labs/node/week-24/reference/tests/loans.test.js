'use strict';
// Loans: borrow, read, return, and the errors around them. (Borrowing the last copy twice
// and returning twice have files of their own: loans-stock, loans-return.)
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call } = require('./support');
const { book, member, copiesAvailable, assertProblem } = require('./fixtures');

test('a loan takes a copy and a return gives it back', async () => {
  const lent = await book({ copies_total: 2 });
  const reader = await member();
  const res = await call('POST', '/v1/loans', { body: { book_id: lent.id, member_id: reader.id } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.headers.get('location'), `/v1/loans/${res.body.id}`);
  assert.equal(res.body.book_id, lent.id);
  assert.equal(res.body.member_id, reader.id);
  assert.equal(res.body.returned_at, null);
  assert.ok(!Number.isNaN(Date.parse(res.body.borrowed_at)));
  assert.equal(await copiesAvailable(lent.id), 1);

  const read = await call('GET', `/v1/loans/${res.body.id}`);
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.body, res.body);

  const returned = await call('POST', `/v1/loans/${res.body.id}/return`);
  assert.equal(returned.status, 200, returned.text);
  assert.equal(returned.body.id, res.body.id);
  assert.ok(!Number.isNaN(Date.parse(returned.body.returned_at)));
  assert.equal(await copiesAvailable(lent.id), 2);
});

test('a loan of an unknown book or for an unknown member gets 404 and takes no copy', async () => {
  const lent = await book({ copies_total: 1 });
  const reader = await member();
  assertProblem(await call('POST', '/v1/loans', { body: { book_id: '9223372036854775807', member_id: reader.id } }), 404);
  assertProblem(await call('POST', '/v1/loans', { body: { book_id: lent.id, member_id: '9223372036854775807' } }), 404);
  assert.equal(await copiesAvailable(lent.id), 1);
});

test('an invalid loan gets 422', async () => {
  const lent = await book();
  const reader = await member();
  for (const body of [{ member_id: reader.id }, { book_id: lent.id }, { book_id: 'x', member_id: reader.id },
    { book_id: lent.id, member_id: -3 }]) {
    assertProblem(await call('POST', '/v1/loans', { body }), 422);
  }
  assert.equal(await copiesAvailable(lent.id), 1);
});

test('an unknown or malformed loan id gets 404, to GET and to return', async () => {
  assertProblem(await call('GET', '/v1/loans/9223372036854775807'), 404);
  assertProblem(await call('GET', '/v1/loans/loan-1'), 404);
  assertProblem(await call('POST', '/v1/loans/9223372036854775807/return'), 404);
});
