'use strict';
const express = require('express');
const books = require('../repos/books');
const { authenticate, requireAdmin } = require('../auth/middleware');
const { notFoundError, validationError, conflictError } = require('../http/problem');
const {
  asId, pathId, bodyObject, requireId, requireText, requireInt, requireIsbn, requireYear, requireWordTags,
} = require('../http/validate');

const router = express.Router();

// --- query parameters of GET /v1/books ----------------------------------------

function queryString(query, name) {
  const value = query[name];
  if (value !== undefined && typeof value !== 'string') {
    throw validationError(`${name} must be given once`);
  }
  return value;
}

function parseLimit(text) {
  if (text === undefined) return 20;
  const limit = /^[0-9]{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= 100)) throw validationError('limit must be an integer from 1 to 100');
  return limit;
}

function parseSort(text) {
  if (text === undefined) return 'id';
  if (text === 'id' || !Object.hasOwn(books.SORTS, text)) {
    throw validationError('sort must be one of title, -title, year, -year');
  }
  return text;
}

// The cursor is opaque to clients: base64url of {s: sort, v: sort value, id}.
function encodeCursor(sort, { value, id }) {
  return Buffer.from(JSON.stringify({ s: sort, v: value, id })).toString('base64url');
}

function decodeCursor(text, sort) {
  const bad = validationError('cursor is not a cursor returned by this list (for this sort)');
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(text)) throw bad;
  let data;
  try {
    data = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (data === null || typeof data !== 'object' || data.s !== sort) throw bad;
  const id = asId(data.id);
  if (id === null) throw bad;
  const { column } = books.SORTS[sort];
  const value = data.v;
  if (column === 'title' && typeof value !== 'string') throw bad;
  if (column === 'year' && value !== null && !Number.isInteger(value)) throw bad;
  return { value: column === null ? null : value, id };
}

// --- body of POST and PATCH --------------------------------------------------

function readFields(body, { partial }) {
  const fields = {};
  const given = (name) => Object.hasOwn(body, name) && body[name] !== undefined;
  if (!partial || given('title')) fields.title = requireText(body, 'title');
  if (!partial || given('isbn')) fields.isbn = requireIsbn(body, 'isbn');
  if (!partial || given('author_id')) fields.author_id = requireId(body, 'author_id');
  if (given('year')) fields.year = requireYear(body, 'year');
  if (given('tags')) fields.tags = requireWordTags(body, 'tags');
  if (given('copies_total')) fields.copies_total = requireInt(body, 'copies_total', { min: 0 });
  // copies_available is read-only: ignored if sent.
  return fields;
}

function writeError(err) {
  if (err.code === '23505') return conflictError('a book with this isbn already exists');
  if (err.code === '23503') return validationError('author_id does not name an existing author');
  if (err.code === '23514') return conflictError('copies_total is below the number of copies on loan');
  return err;
}

// --- routes ------------------------------------------------------------------

router.get('/', async (req, res) => {
  const limit = parseLimit(queryString(req.query, 'limit'));
  const sort = parseSort(queryString(req.query, 'sort'));
  const filters = {};
  const authorId = queryString(req.query, 'author_id');
  if (authorId !== undefined) {
    filters.authorId = asId(authorId);
    if (filters.authorId === null) throw validationError('author_id must be a positive integer');
  }
  filters.tag = queryString(req.query, 'tag');
  filters.q = queryString(req.query, 'q');
  const cursor = queryString(req.query, 'cursor');
  const after = cursor === undefined ? null : decodeCursor(cursor, sort);

  const { items, next } = await books.list(filters, sort, limit, after);
  res.json({ items, next_cursor: next ? encodeCursor(sort, next) : null });
});

router.post('/', authenticate, requireAdmin, async (req, res) => {
  const fields = readFields(bodyObject(req), { partial: false });
  const book = await books
    .create({ year: null, tags: [], copies_total: 1, ...fields })
    .catch((err) => { throw writeError(err); });
  res.status(201).location(`/v1/books/${book.id}`).json(book);
});

router.get('/:id', async (req, res) => {
  const book = await books.get(pathId(req, 'book'));
  if (!book) throw notFoundError('book');
  res.json(book);
});

router.patch('/:id', authenticate, requireAdmin, async (req, res) => {
  const id = pathId(req, 'book');
  const fields = readFields(bodyObject(req), { partial: true });
  const book = await books.update(id, fields).catch((err) => { throw writeError(err); });
  if (!book) throw notFoundError('book');
  res.json(book);
});

router.delete('/:id', authenticate, requireAdmin, async (req, res) => {
  if (!(await books.remove(pathId(req, 'book')))) throw notFoundError('book');
  res.status(204).end();
});

module.exports = router;
