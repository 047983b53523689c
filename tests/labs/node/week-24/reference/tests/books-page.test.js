'use strict';
// Catches: a page holds one book more than its limit.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call, unique } = require('./support');
const { author, book } = require('./fixtures');

test('a page holds exactly limit books, and says that more follow', async () => {
  const tag = unique('tag');
  const by = await author();
  const ids = [];
  for (let i = 0; i < 3; i += 1) ids.push((await book({ tags: [tag] }, by.id)).id);

  const first = await call('GET', `/v1/books?tag=${tag}&limit=2`);
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.body.items.map((b) => b.id), ids.slice(0, 2));
  assert.equal(typeof first.body.next_cursor, 'string');
});

test('limit=1 gives one book per page', async () => {
  const tag = unique('tag');
  const by = await author();
  for (let i = 0; i < 2; i += 1) await book({ tags: [tag] }, by.id);
  const res = await call('GET', `/v1/books?tag=${tag}&limit=1`);
  assert.equal(res.body.items.length, 1);
  assert.notEqual(res.body.next_cursor, null);
});
