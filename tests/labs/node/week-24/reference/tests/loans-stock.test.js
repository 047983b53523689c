'use strict';
// Catches: a book with no copy left can still be borrowed.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call } = require('./support');
const { book, member, copiesAvailable, assertProblem } = require('./fixtures');

test('when every copy is lent, the next loan gets 409 and the stock stays at 0', async () => {
  const lent = await book({ copies_total: 2 });
  for (let i = 0; i < 2; i += 1) {
    const reader = await member();
    const res = await call('POST', '/v1/loans', { body: { book_id: lent.id, member_id: reader.id } });
    assert.equal(res.status, 201, res.text);
  }
  assert.equal(await copiesAvailable(lent.id), 0);

  const late = await member();
  assertProblem(await call('POST', '/v1/loans', { body: { book_id: lent.id, member_id: late.id } }), 409);
  assert.equal(await copiesAvailable(lent.id), 0);
});

test('a book with no copies at all cannot be borrowed', async () => {
  const none = await book({ copies_total: 0 });
  const reader = await member();
  assertProblem(await call('POST', '/v1/loans', { body: { book_id: none.id, member_id: reader.id } }), 409);
  assert.equal(await copiesAvailable(none.id), 0);
});
