'use strict';
// The fields of POST and PATCH /v1/books, validated; copies_available is read-only.
const { tables } = require('../store');
const { validationError } = require('../http/problem');
const { text, id, integer, tags } = require('../http/validate');
const strict = require('../http/strict');

function readFields(body, { partial }) {
  const fields = {};
  const given = (name) => Object.hasOwn(body, name) && body[name] !== undefined;
  if (!partial || given('title')) fields.title = text(body, 'title');
  if (!partial || given('isbn')) fields.isbn = strict.isbn13(text(body, 'isbn', { max: 40 }), 'isbn');
  if (!partial || given('author_id')) {
    fields.author_id = id(body, 'author_id');
    if (!tables.authors.has(fields.author_id)) throw validationError('author_id does not name an existing author');
  }
  if (given('year')) fields.year = strict.year(integer(body, 'year', { min: -3000, max: 3000, nullable: true }), 'year');
  if (given('tags')) fields.tags = strict.wordTags(tags(body, 'tags'), 'tags');
  if (given('copies_total')) fields.copies_total = integer(body, 'copies_total', { min: 0, max: 10000 });
  return fields;
}

module.exports = { readFields };
