'use strict';
// GET /v1/books: filters, sorts, cursor pagination and invalid parameters. Each test lists
// only books of a tag of its own, so other books in the database never get in the way.
// (The page size and sort=-year have files of their own: books-page, books-sort.)
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call, unique } = require('./support');
const { author, book, assertProblem } = require('./fixtures');

/** Every page of `query`, following next_cursor, as one list of ids. */
async function allIds(query) {
  const ids = [];
  let cursor = null;
  for (let pages = 0; pages < 20; pages += 1) {
    const res = await call('GET', `/v1/books?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200, res.text);
    ids.push(...res.body.items.map((b) => b.id));
    cursor = res.body.next_cursor;
    if (cursor === null) return ids;
  }
  throw new Error(`GET /v1/books?${query} never stops giving a next_cursor`);
}

const cursorOf = (data) => Buffer.from(JSON.stringify(data)).toString('base64url');

test('tag, author_id and q filter the list, and each item embeds its author', async () => {
  const tag = unique('tag');
  const by = await author();
  const other = await author();
  const word = unique('Word');
  const mine = await book({ title: `The ${word} book`, tags: [tag, 'x'] }, by.id);
  const theirs = await book({ title: 'Another', tags: [tag] }, other.id);
  await book({ title: `The ${word} outside` }, by.id);

  const tagged = await call('GET', `/v1/books?tag=${tag}`);
  assert.equal(tagged.status, 200, tagged.text);
  assert.deepEqual(tagged.body.items.map((b) => b.id), [mine.id, theirs.id]);
  assert.equal(tagged.body.next_cursor, null);
  assert.deepEqual(tagged.body.items[0].author, { id: by.id, name: by.name });

  const byAuthor = await call('GET', `/v1/books?tag=${tag}&author_id=${other.id}`);
  assert.deepEqual(byAuthor.body.items.map((b) => b.id), [theirs.id]);

  const found = await call('GET', `/v1/books?author_id=${by.id}&q=${word.toLowerCase()}`);
  assert.equal(found.body.items.length, 2, 'q matches part of the title, in any case');
});

test('q matches % and _ literally', async () => {
  const tag = unique('tag');
  const literal = await book({ title: '100%_sure', tags: [tag] });
  await book({ title: '100 percent sure', tags: [tag] });
  const res = await call('GET', `/v1/books?tag=${tag}&q=${encodeURIComponent('0%_s')}`);
  assert.deepEqual(res.body.items.map((b) => b.id), [literal.id]);
  const none = await call('GET', `/v1/books?tag=${tag}&q=${encodeURIComponent('1_0')}`);
  assert.deepEqual(none.body.items, []);
});

test('sort=title and sort=-title order by title; every page follows the order', async () => {
  const tag = unique('tag');
  const by = await author();
  const ids = [];
  for (const title of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']) {
    ids.push((await book({ title: `${title} ${tag}`, tags: [tag] }, by.id)).id);
  }
  assert.deepEqual(await allIds(`tag=${tag}&sort=title&limit=2`), ids);
  assert.deepEqual(await allIds(`tag=${tag}&sort=-title&limit=2`), [...ids].reverse());
});

test('sort=year orders oldest first, books without a year last, ties by id, on every page', async () => {
  const tag = unique('tag');
  const by = await author();
  const made = {};
  for (const [name, year] of [['a', 1990], ['none1', null], ['b', 2005], ['c', 1990], ['d', 2020], ['none2', null],
    ['none3', null]]) {
    made[name] = (await book({ year, tags: [tag] }, by.id)).id;
  }
  const expected = [made.a, made.c, made.b, made.d, made.none1, made.none2, made.none3];
  const page = await call('GET', `/v1/books?tag=${tag}&sort=year`);
  assert.deepEqual(page.body.items.map((b) => b.id), expected);
  assert.deepEqual(await allIds(`tag=${tag}&sort=year&limit=2`), expected);
  assert.deepEqual(await allIds(`tag=${tag}&sort=year&limit=3`), expected);
});

test('without sort the list is in id order, and the cursor walks every book once', async () => {
  const tag = unique('tag');
  const by = await author();
  const ids = [];
  for (let i = 0; i < 5; i += 1) ids.push((await book({ tags: [tag] }, by.id)).id);
  assert.deepEqual(await allIds(`tag=${tag}&limit=2`), ids);
  assert.deepEqual(await allIds(`tag=${tag}&limit=100`), ids);
});

test('invalid list parameters get 422', async () => {
  for (const query of [
    'limit=0', 'limit=101', 'limit=abc', 'limit=1&limit=2', 'sort=id', 'sort=color', 'author_id=x',
    'cursor=not*a*cursor', 'cursor=abc',
    `cursor=${cursorOf(null)}`,
    `cursor=${cursorOf({ s: 'id', v: null, id: 'x' })}`,
    `sort=year&cursor=${cursorOf({ s: 'title', v: 'A', id: '1' })}`,
    `sort=year&cursor=${cursorOf({ s: 'year', v: 'old', id: '1' })}`,
    `sort=title&cursor=${cursorOf({ s: 'title', v: 1, id: '1' })}`,
  ]) {
    assertProblem(await call('GET', `/v1/books?${query}`), 422);
  }
});
