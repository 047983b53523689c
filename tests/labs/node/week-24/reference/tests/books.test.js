'use strict';
// Books: create, read, update, delete, and the errors of each. (GET of an unknown book and
// a negative copies_total have files of their own: books-unknown, books-validation.)
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call, unique } = require('./support');
const { author, book, member, assertProblem } = require('./fixtures');

test('POST /v1/books creates a book: 201, its Location, the author embedded, every copy available', async () => {
  const by = await author('Octavia E. Butler');
  const isbn = unique('isbn');
  const tag = unique('tag');
  const res = await call('POST', '/v1/books', {
    body: { title: 'Kindred', isbn, year: 1979, author_id: by.id, tags: [tag, 'novel'], copies_total: 3 },
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.headers.get('location'), `/v1/books/${res.body.id}`);
  assert.deepEqual(res.body, {
    id: res.body.id, title: 'Kindred', isbn, year: 1979, tags: [tag, 'novel'], author_id: by.id,
    copies_total: 3, copies_available: 3, author: { id: by.id, name: 'Octavia E. Butler' },
  });

  const read = await call('GET', res.headers.get('location'));
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.body, res.body);
});

test('a book with only the required fields gets the defaults, and copies_available is read-only', async () => {
  const by = await author();
  const res = await call('POST', '/v1/books', {
    body: { title: 'Dawn', isbn: unique('isbn'), author_id: Number(by.id), copies_available: 99 },
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.year, null);
  assert.deepEqual(res.body.tags, []);
  assert.equal(res.body.copies_total, 1);
  assert.equal(res.body.copies_available, 1);
});

test('PATCH changes the given fields only, and copies_available moves with copies_total', async () => {
  const created = await book({ title: 'Parable', year: 1993, copies_total: 2 });
  const other = await author();
  const res = await call('PATCH', `/v1/books/${created.id}`, {
    body: { title: 'Parable of the Sower', year: null, tags: ['dystopia'], author_id: other.id, copies_total: 5 },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.title, 'Parable of the Sower');
  assert.equal(res.body.year, null);
  assert.deepEqual(res.body.tags, ['dystopia']);
  assert.deepEqual(res.body.author, { id: other.id, name: other.name });
  assert.equal(res.body.isbn, created.isbn);
  assert.equal(res.body.copies_total, 5);
  assert.equal(res.body.copies_available, 5);

  const unchanged = await call('PATCH', `/v1/books/${created.id}`, { body: {} });
  assert.equal(unchanged.status, 200, unchanged.text);
  assert.deepEqual(unchanged.body, res.body);
});

test('copies_total cannot fall below the copies on loan: 409', async () => {
  const created = await book({ copies_total: 2 });
  const reader = await member();
  const loan = await call('POST', '/v1/loans', { body: { book_id: created.id, member_id: reader.id } });
  assert.equal(loan.status, 201, loan.text);
  assertProblem(await call('PATCH', `/v1/books/${created.id}`, { body: { copies_total: 0 } }), 409);
  const res = await call('PATCH', `/v1/books/${created.id}`, { body: { copies_total: 1 } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.copies_available, 0);
});

test('a second book with the same isbn gets 409, on POST and on PATCH', async () => {
  const first = await book();
  const by = await author();
  assertProblem(await call('POST', '/v1/books', { body: { title: 'Copy', isbn: first.isbn, author_id: by.id } }), 409);
  const second = await book();
  assertProblem(await call('PATCH', `/v1/books/${second.id}`, { body: { isbn: first.isbn } }), 409);
});

test('an author_id that names no author gets 422', async () => {
  const body = { title: 'Orphan', isbn: unique('isbn'), author_id: '9223372036854775807' };
  assertProblem(await call('POST', '/v1/books', { body }), 422);
  const created = await book();
  assertProblem(await call('PATCH', `/v1/books/${created.id}`, { body: { author_id: '9223372036854775807' } }), 422);
});

test('an invalid book gets 422, one mistake at a time', async () => {
  const by = await author();
  const valid = { title: 'Valid', isbn: unique('isbn'), author_id: by.id };
  for (const change of [
    { title: undefined }, { title: '' }, { title: 12 },
    { isbn: undefined }, { isbn: 978 },
    { author_id: undefined }, { author_id: 'x' }, { author_id: 1.5 },
    { year: 'old' }, { year: 2e10 },
    { tags: 'fantasy' }, { tags: [1, 2] },
    { copies_total: 'two' }, { copies_total: 1.5 }, { copies_total: 2147483648 },
  ]) {
    const body = { ...valid, ...change };
    assertProblem(await call('POST', '/v1/books', { body }), 422);
  }
  const created = await book();
  assertProblem(await call('PATCH', `/v1/books/${created.id}`, { body: { title: '' } }), 422);
  assertProblem(await call('PATCH', `/v1/books/${created.id}`, { body: '[]' }), 422);
});

test('PATCH and DELETE of an unknown or malformed id get 404', async () => {
  assertProblem(await call('PATCH', '/v1/books/9223372036854775807', { body: { title: 'x' } }), 404);
  assertProblem(await call('PATCH', '/v1/books/abc', { body: { title: 'x' } }), 404);
  assertProblem(await call('DELETE', '/v1/books/9223372036854775807'), 404);
  assertProblem(await call('GET', '/v1/books/abc'), 404);
});

test('DELETE removes a book: 204, then a second DELETE finds nothing', async () => {
  const created = await book();
  const res = await call('DELETE', `/v1/books/${created.id}`);
  assert.equal(res.status, 204);
  assert.equal(res.text, '');
  assertProblem(await call('DELETE', `/v1/books/${created.id}`), 404);
});
