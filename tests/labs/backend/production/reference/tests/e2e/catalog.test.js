'use strict';
// End to end: the catalog, its cache, loans and members.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { unique } = require('../support');
const { serve, call, account } = require('./http');

serve();

test('the catalog: admins write, everyone reads, reads are cached and updates invalidate', async () => {
  const admin = await account({ admin: true });
  const member = await account();
  const token = admin.access_token;
  assert.equal((await call('POST', '/v1/authors', { body: { name: 'x' }, token: member.access_token })).status, 403);
  assert.equal((await call('POST', '/v1/authors', { body: { name: 'x' } })).status, 401);
  const author = await call('POST', '/v1/authors', { body: { name: 'Octavia' }, token });
  assert.equal(author.status, 201);
  assert.equal((await call('GET', `/v1/authors/${author.json.id}`)).json.name, 'Octavia');
  assert.equal((await call('GET', '/v1/authors/999999999')).status, 404);

  const tag = unique('tag');
  const isbn = unique('isbn');
  const created = await call('POST', '/v1/books', { token, body: { title: 'Kindred', isbn, year: 1979, author_id: author.json.id, tags: [tag], copies_total: 1 } });
  assert.equal(created.status, 201, created.text);
  assert.equal((await call('POST', '/v1/books', { token, body: { title: 'Dup', isbn, author_id: author.json.id } })).status, 409);
  assert.equal((await call('POST', '/v1/books', { token, body: { title: 'No author', isbn: unique('i'), author_id: '999999999' } })).status, 422);
  const path = `/v1/books/${created.json.id}`;

  const first = await call('GET', path);
  const second = await call('GET', path);
  assert.equal(first.headers.get('x-cache'), 'MISS');
  assert.equal(second.headers.get('x-cache'), 'HIT');
  assert.deepEqual(second.json, first.json);
  assert.equal(first.json.author.name, 'Octavia');

  const list = await call('GET', `/v1/books?tag=${tag}&limit=10`);
  assert.equal(list.json.items.length, 1);
  assert.equal((await call('GET', `/v1/books?tag=${tag}&limit=10`)).headers.get('x-cache'), 'HIT');
  const paged = await call('GET', `/v1/books?sort=-year&limit=1&author_id=${author.json.id}`);
  assert.equal(paged.json.next_cursor, null);
  for (const bad of ['limit=0', 'limit=abc', 'sort=id', 'sort=color', 'cursor=%%%', 'author_id=x', 'limit=1&limit=2',
    `cursor=${Buffer.from('{"s":"title","v":1,"id":"1"}').toString('base64url')}&sort=title`]) {
    assert.equal((await call('GET', `/v1/books?${bad}`)).status, 422, bad);
  }

  const patched = await call('PATCH', path, { token, body: { title: 'Kindred (2nd ed.)', copies_total: 2 } });
  assert.equal(patched.status, 200);
  const fresh = await call('GET', path);
  assert.equal(fresh.json.title, 'Kindred (2nd ed.)');
  assert.equal(fresh.json.copies_available, 2);
  assert.equal((await call('GET', `/v1/books?tag=${tag}&limit=10`)).json.items[0].title, 'Kindred (2nd ed.)');
  assert.equal((await call('PATCH', '/v1/books/999999999', { token, body: { title: 'x' } })).status, 404);
  assert.equal((await call('PATCH', path, { token, body: { year: 'old' } })).status, 422);

  const loan = await call('POST', '/v1/loans', { token: member.access_token, body: { book_id: created.json.id, member_id: member.id } });
  assert.equal(loan.status, 201, loan.text);
  assert.equal((await call('GET', path)).json.copies_available, 1, 'a loan invalidates the cached book');
  assert.equal((await call('GET', `/v1/loans/${loan.json.id}`, { token: member.access_token })).status, 200);
  const mine = await call('GET', `/v1/members/${member.id}/loans`, { token: member.access_token });
  assert.equal(mine.json.items.length, 1);
  assert.equal((await call('GET', `/v1/members/${admin.id}/loans`, { token: member.access_token })).status, 403);
  assert.equal((await call('POST', '/v1/loans', { token: member.access_token, body: { book_id: created.json.id, member_id: admin.id } })).status, 403);
  const returned = await call('POST', `/v1/loans/${loan.json.id}/return`, { token: member.access_token });
  assert.equal(returned.status, 200);
  assert.equal((await call('GET', path)).json.copies_available, 2, 'a return invalidates it too');
  assert.equal((await call('POST', `/v1/loans/${loan.json.id}/return`, { token: member.access_token })).status, 409);

  const added = await call('POST', '/v1/members', { token, body: { email: `${unique('walkin')}@shelf.test`, name: 'Walk-in' } });
  assert.equal(added.status, 201);
  assert.equal((await call('GET', `/v1/members/${added.json.id}`, { token })).json.name, 'Walk-in');
  assert.equal((await call('POST', '/v1/members', { token, body: { email: added.json.email, name: 'x' } })).status, 409);
  assert.equal((await call('POST', '/v1/members', { token, body: { email: 'bad', name: 'x' } })).status, 422);

  assert.equal((await call('DELETE', path, { token })).status, 204);
  assert.equal((await call('GET', path)).status, 404, 'a delete invalidates the cached book');
  assert.equal((await call('DELETE', path, { token })).status, 404);
});
