'use strict';
const express = require('express');
const { notImplemented } = require('./todo');
// const { tables, isbns, nextId } = require('../store');

const router = express.Router();

// TODO (README, task 4): GET /v1/books?author_id=&tag=&q=&sort=&limit=&cursor=
// -> 200 {"items": [...], "next_cursor": "..." or null}; every item embeds {"author": {id, name}}.
// - filters (AND): author_id, tag (a book carrying it), q (title contains q, ignoring case)
// - sort: title, -title, year, -year; anything else -> 422
// - limit: 1..100, default 20; anything else -> 422
// - next_cursor: opaque; walking the pages returns every book exactly once, in order,
//   even when many books share a title or a year. A cursor you did not issue -> 422.
router.get('/', notImplemented('task 4, GET /v1/books'));

// TODO (README, task 2): POST /v1/books {title, isbn, year, author_id, tags, copies_total}
// -> 201 + Location + the book (copies_available = copies_total, author embedded);
// 422 on invalid fields or an unknown author_id, 409 on a duplicate isbn.
router.post('/', notImplemented('task 2, POST /v1/books'));

// TODO (README, task 2): GET /v1/books/:id -> 200 with "author": {id, name}, or 404.
router.get('/:id', notImplemented('task 2, GET /v1/books/:id'));

// TODO (README, task 2): PATCH /v1/books/:id -> 200 with the book; validate like POST (404, 409, 422).
router.patch('/:id', notImplemented('task 2, PATCH /v1/books/:id'));

// TODO (README, task 2): DELETE /v1/books/:id -> 204, or 404.
router.delete('/:id', notImplemented('task 2, DELETE /v1/books/:id'));

module.exports = router;
