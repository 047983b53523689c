'use strict';
const express = require('express');
const { notImplemented } = require('./todo');
// const db = require('../db');

const router = express.Router();

// TODO (README, task 4): GET /v1/books?author_id=&tag=&q=&sort=&limit=&cursor=
// -> 200 {"items": [...], "next_cursor": "..." or null}
// - every item embeds its author: {..., "author": {"id", "name"}}. Get the page
//   and the authors with ONE query, however many books are on the page.
// - filters: author_id (digits, else 422), tag (books carrying that tag),
//   q (title contains q, case-insensitive). Values go in as $1, $2 ... parameters,
//   never pasted into the SQL text.
// - sort: title, -title, year, -year (else 422); limit: 1..100, default 20 (else 422).
// - next_cursor: an opaque string that lets the client fetch the next page,
//   so that walking all pages returns every book exactly once (even when many books
//   share a year); a malformed cursor -> 422.
router.get('/', notImplemented('task 4, GET /v1/books'));

// TODO (README, task 3): POST /v1/books {title, isbn, year, author_id, tags, copies_total}
// 201 + Location + the book. 422 on invalid fields or an unknown author_id,
// 409 on a duplicate isbn. copies_available starts at copies_total and cannot be
// set by the client.
router.post('/', notImplemented('task 3, POST /v1/books'));

// TODO (README, task 3): GET /v1/books/:id -> 200 with "author": {id, name}, or 404.
router.get('/:id', notImplemented('task 3, GET /v1/books/:id'));

// TODO (README, task 3): PATCH /v1/books/:id -> 200 with the updated book, 404, 422.
// When copies_total changes, copies_available changes by the same amount
// (409 if that would drop below zero).
router.patch('/:id', notImplemented('task 3, PATCH /v1/books/:id'));

// TODO (README, task 3): DELETE /v1/books/:id -> 204 or 404.
router.delete('/:id', notImplemented('task 3, DELETE /v1/books/:id'));

module.exports = router;
