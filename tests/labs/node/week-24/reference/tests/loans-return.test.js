'use strict';
// Catches: a returned loan can be returned again, giving its copy back twice.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call } = require('./support');
const { book, member, copiesAvailable, assertProblem } = require('./fixtures');

test('a loan returned twice: the second return gets 409 and gives no copy back', async () => {
  const lent = await book({ copies_total: 1 });
  const reader = await member();
  const loan = await call('POST', '/v1/loans', { body: { book_id: lent.id, member_id: reader.id } });
  assert.equal(loan.status, 201, loan.text);

  const first = await call('POST', `/v1/loans/${loan.body.id}/return`);
  assert.equal(first.status, 200, first.text);
  assert.equal(await copiesAvailable(lent.id), 1);

  assertProblem(await call('POST', `/v1/loans/${loan.body.id}/return`), 409);
  assert.equal(await copiesAvailable(lent.id), 1, 'copies_available never exceeds copies_total');
  const read = await call('GET', `/v1/loans/${loan.body.id}`);
  assert.equal(read.body.returned_at, first.body.returned_at, 'the first return stays on record');
});
