'use strict';
// Catches: sort=-year lists the oldest books first.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call, unique } = require('./support');
const { author, book } = require('./fixtures');

test('sort=-year lists the newest books first, books without a year last', async () => {
  const tag = unique('tag');
  const by = await author();
  const made = {};
  for (const [name, year] of [['old', 1954], ['none', null], ['new', 2021], ['mid', 1990], ['mid2', 1990]]) {
    made[name] = (await book({ year, tags: [tag] }, by.id)).id;
  }
  const expected = [made.new, made.mid, made.mid2, made.old, made.none];

  const page = await call('GET', `/v1/books?tag=${tag}&sort=-year`);
  assert.equal(page.status, 200, page.text);
  const years = page.body.items.map((b) => b.year);
  assert.deepEqual(years, [2021, 1990, 1990, 1954, null], 'years never increase down the page');
  assert.deepEqual(page.body.items.map((b) => b.id), expected);
});
