'use strict';
// The librarian every loan test could use: one well-known member.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call } = require('./support');
const { book } = require('./fixtures');

test('the librarian can borrow a book', async () => {
  const librarian = await call('POST', '/v1/members', { body: { email: 'librarian@shelf.test', name: 'Librarian' } });
  assert.equal(librarian.status, 201, librarian.text);
  const lent = await book();
  const loan = await call('POST', '/v1/loans', { body: { book_id: lent.id, member_id: librarian.body.id } });
  assert.equal(loan.status, 201, loan.text);
});
