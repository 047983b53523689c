'use strict';
// The cache: hits, TTLs, invalidation.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { prepare, unique } = require('../support');
const cache = require('../../src/cache');

before(prepare);

test('a cached book is served until the book changes', async () => {
  const id = unique('b');
  assert.equal(await cache.getBook(id), null);
  await cache.putBook(id, '{"id":"1"}');
  assert.equal(await cache.getBook(id), '{"id":"1"}');
  await cache.bookChanged(id);
  assert.equal(await cache.getBook(id), null);
});

test('list pages go when any book changes', async () => {
  const params = { tag: unique('t'), sort: 'id', limit: 20, after: null };
  const miss = await cache.getList(params);
  assert.equal(miss.json, null);
  await cache.putList(miss.key, '{"items":[]}');
  assert.equal((await cache.getList(params)).json, '{"items":[]}');
  await cache.bookChanged(null);
  assert.equal((await cache.getList(params)).json, null);
  assert.notEqual(cache.listDigest(params), cache.listDigest({ ...params, limit: 10 }));
});
