'use strict';
// The books repository against a real PostgreSQL.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { prepare, unique, author, book } = require('../support');
const books = require('../../src/repos/books');

before(prepare);

test('books: create, read with the author, update, delete', async () => {
  const authorId = await author('Ursula');
  const created = await book(authorId, { copies_total: 3 });
  assert.equal(created.copies_available, 3);
  assert.deepEqual(created.author, { id: authorId, name: 'Ursula' });
  assert.equal((await books.get(created.id)).title, created.title);
  const updated = await books.update(created.id, { title: 'New title', copies_total: 5 });
  assert.equal(updated.title, 'New title');
  assert.equal(updated.copies_available, 5);
  assert.equal((await books.update(created.id, {})).id, created.id);
  assert.equal(await books.update('999999999', { title: 'x' }), null);
  assert.equal(await books.remove(created.id), true);
  assert.equal(await books.remove(created.id), false);
  assert.equal(await books.get(created.id), null);
});

test('books: filters, sorts and keyset pages', async () => {
  const authorId = await author();
  const tag = unique('tag');
  for (const [title, year] of [['Beta', 1990], ['Alpha', null], ['Gamma_%', 2010]]) {
    await book(authorId, { title, year, tags: [tag] });
  }
  const all = await books.list({ tag }, 'title', 10, null);
  assert.deepEqual(all.items.map((b) => b.title), ['Alpha', 'Beta', 'Gamma_%']);
  assert.equal(all.next, null);
  const first = await books.list({ authorId, tag }, '-year', 2, null);
  assert.deepEqual(first.items.map((b) => b.year), [2010, 1990]);
  const second = await books.list({ authorId, tag }, '-year', 2, first.next);
  assert.deepEqual(second.items.map((b) => b.year), [null]);
  const byQ = await books.list({ q: '_%', tag }, 'id', 10, null);
  assert.deepEqual(byQ.items.map((b) => b.title), ['Gamma_%']);
  const byYear = await books.list({ tag }, 'year', 1, null);
  const rest = await books.list({ tag }, 'year', 5, byYear.next);
  assert.deepEqual([...byYear.items, ...rest.items].map((b) => b.year), [1990, 2010, null]);
  const byId = await books.list({ tag }, 'id', 1, null);
  assert.equal((await books.list({ tag }, 'id', 5, byId.next)).items.length, 2);
});
