'use strict';
// GET /v1/books (and its alias /v1/catalog): filters, sort, limit and a keyset cursor.
const { tables } = require('../store');
const { validationError } = require('../http/problem');
const { queryValue } = require('../http/validate');
const { present } = require('./present');

// sort parameter -> [field, direction]; ties always break on the numeric id.
const SORTS = {
  title: ['title', 1],
  '-title': ['title', -1],
  year: ['year', 1],
  '-year': ['year', -1],
};

/** Order of two books under a sort; null years go last in both directions. */
function compare(a, b, sort) {
  if (sort) {
    const [field, dir] = SORTS[sort];
    const x = a[field];
    const y = b[field];
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * dir;
    }
  }
  return Number(a.id) - Number(b.id);
}

function parseLimit(text) {
  if (text === undefined) return 20;
  const limit = /^[0-9]{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= 100)) throw validationError('limit must be an integer from 1 to 100');
  return limit;
}

function parseSort(text) {
  if (text === undefined) return null;
  if (!Object.hasOwn(SORTS, text)) throw validationError('sort must be one of title, -title, year, -year');
  return text;
}

// The cursor is opaque to clients: base64url of the last item's position {s, id, v}.
// It names the exact (sort value, id) pair, so books that share a title or a year are
// neither skipped nor repeated, and deleting a book between pages changes nothing.
function encodeCursor(sort, book) {
  const position = { s: sort || '', id: book.id, v: sort ? book[SORTS[sort][0]] : null };
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(text, sort) {
  const bad = validationError('cursor is not a next_cursor of this list (with this sort)');
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(text)) throw bad;
  let position;
  try {
    position = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (!position || typeof position !== 'object' || position.s !== (sort || '') || typeof position.id !== 'string') {
    throw bad;
  }
  return sort ? { id: position.id, [SORTS[sort][0]]: position.v } : { id: position.id };
}

function matches(book, { authorId, tag, q }) {
  if (authorId !== undefined && book.author_id !== authorId) return false;
  if (tag !== undefined && !book.tags.includes(tag)) return false;
  if (q !== undefined && !book.title.toLowerCase().includes(q.toLowerCase())) return false;
  return true;
}

/** The page a query asks for: {items, next_cursor}. */
function listBooks(query) {
  const limit = parseLimit(queryValue(query, 'limit'));
  const sort = parseSort(queryValue(query, 'sort'));
  const filters = {
    authorId: queryValue(query, 'author_id'),
    tag: queryValue(query, 'tag'),
    q: queryValue(query, 'q'),
  };
  if (filters.q === '') throw validationError('q must not be empty');
  const cursor = queryValue(query, 'cursor');
  const after = cursor === undefined ? null : decodeCursor(cursor, sort);

  let rows = [...tables.books.values()].filter((book) => matches(book, filters));
  rows.sort((a, b) => compare(a, b, sort));
  if (after) {
    // Continue after the last value seen.
    const [field, dir] = sort ? SORTS[sort] : ['id', 1];
    const value = field === 'id' ? Number(after.id) : after[field];
    rows = rows.filter((book) => {
      const mine = field === 'id' ? Number(book.id) : book[field];
      return dir > 0 ? mine > value : mine < value;
    });
  }

  const page = rows.slice(0, limit);
  const next = rows.length > limit ? encodeCursor(sort, page[page.length - 1]) : null;
  return { items: page.map(present), next_cursor: next };
}

module.exports = { listBooks };
