'use strict';
// Rows to test with, made through the API. Every name, e-mail, isbn and tag is unique,
// so that the suite passes on any database, the one its last run left behind included.
const assert = require('node:assert/strict');
const { call, unique } = require('./support');

async function created(path, body) {
  const res = await call('POST', path, { body });
  assert.equal(res.status, 201, `POST ${path}: ${res.text}`);
  return res.body;
}

function author(name = unique('Author')) {
  return created('/v1/authors', { name });
}

/** A book by `authorId` (a new author when omitted), with fields over the defaults below. */
async function book(fields = {}, authorId = null) {
  const by = authorId ?? (await author()).id;
  return created('/v1/books', { title: unique('Title'), isbn: unique('isbn'), author_id: by, copies_total: 1, ...fields });
}

function member() {
  return created('/v1/members', { email: `${unique('reader')}@example.org`, name: 'Reader' });
}

async function copiesAvailable(bookId) {
  const res = await call('GET', `/v1/books/${bookId}`);
  assert.equal(res.status, 200, res.text);
  return res.body.copies_available;
}

/** Problem details (RFC 9457) with the given status. */
function assertProblem(res, status) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.equal(typeof res.body.title, 'string');
  assert.equal(typeof res.body.detail, 'string');
}

module.exports = { author, book, member, copiesAvailable, assertProblem };
