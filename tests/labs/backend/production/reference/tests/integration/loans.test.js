'use strict';
// Loans against a real PostgreSQL: concurrent borrowers, returns, the error cases.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { prepare, author, book, member } = require('../support');
const books = require('../../src/repos/books');
const loans = require('../../src/repos/loans');

before(prepare);

test('concurrent borrowers never take more copies than there are', async () => {
  const created = await book(await author(), { copies_total: 3 });
  const readers = await Promise.all(Array.from({ length: 8 }, member));
  const outcomes = await Promise.allSettled(readers.map((m) => loans.borrow(created.id, m.id)));
  assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 3);
  for (const o of outcomes.filter((x) => x.status === 'rejected')) assert.equal(o.reason.status, 409);
  assert.equal((await books.get(created.id)).copies_available, 0);
});

test('a return gives the copy back, once', async () => {
  const created = await book(await author(), { copies_total: 1 });
  const reader = await member();
  const loan = await loans.borrow(created.id, reader.id);
  assert.equal((await loans.get(loan.id)).id, loan.id);
  const returned = await loans.giveBack(loan.id);
  assert.ok(returned.returned_at);
  assert.equal((await books.get(created.id)).copies_available, 1);
  await assert.rejects(loans.giveBack(loan.id), { status: 409 });
});

test('unknown books, members and loans are 404', async () => {
  const created = await book(await author());
  const reader = await member();
  await assert.rejects(loans.giveBack('999999999'), { status: 404 });
  await assert.rejects(loans.borrow('999999999', reader.id), { status: 404 });
  await assert.rejects(loans.borrow(created.id, '999999999'), { status: 404 });
  assert.equal(await loans.get('999999999'), null);
});
