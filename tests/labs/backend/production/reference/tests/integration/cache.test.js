'use strict';
// The cache against a real Redis: keys, TTLs, invalidation.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { prepare, unique } = require('../support');
const { redis } = require('../../src/redis');
const cache = require('../../src/cache');

before(prepare);

test('a cached book has a TTL and goes when the book changes', async () => {
  const id = unique('b');
  assert.equal(await cache.getBook(id), null);
  await cache.putBook(id, '{"id":"1"}');
  assert.equal(await cache.getBook(id), '{"id":"1"}');
  const ttl = await redis.ttl(cache.bookKey(id));
  assert.ok(ttl > 0 && ttl <= cache.BOOK_TTL_S, `ttl ${ttl}`);
  await cache.bookChanged(id);
  assert.equal(await cache.getBook(id), null);
});

test('list pages live in a generation that any change to a book ends', async () => {
  const params = { tag: unique('t'), sort: 'id', limit: 20, after: null };
  const miss = await cache.getList(params);
  assert.equal(miss.json, null);
  await cache.putList(miss.key, '{"items":[]}');
  assert.ok((await redis.ttl(miss.key)) > 0);
  const hit = await cache.getList(params);
  assert.equal(hit.json, '{"items":[]}');
  assert.equal(hit.key, miss.key);
  await cache.bookChanged(null);
  const after = await cache.getList(params);
  assert.equal(after.json, null);
  assert.notEqual(after.key, miss.key);
  assert.notEqual(cache.listDigest(params), cache.listDigest({ ...params, limit: 10 }));
  await cache.putList(null, 'ignored');
});
