'use strict';
const express = require('express');
const { notImplemented } = require('./todo');
// const db = require('../db');

const router = express.Router();

// TODO (README, task 5): POST /v1/loans {book_id, member_id}
// 201 + Location (/v1/loans/<id>) + {id, book_id, member_id, borrowed_at, returned_at}.
// 404 for an unknown book or member, 409 when no copy is available.
// Taking a copy (books.copies_available - 1) and recording the loan must happen
// together or not at all: one transaction. And 20 members borrowing the last
// 5 copies at the same moment must get exactly 5 loans: think about what happens
// between reading copies_available and writing it.
router.post('/', notImplemented('task 5, POST /v1/loans'));

// TODO (README, task 5): POST /v1/loans/:id/return
// 200 with the loan (returned_at set) and the copy back on the shelf;
// 404 unknown loan, 409 already returned. Also one transaction.
router.post('/:id/return', notImplemented('task 5, POST /v1/loans/:id/return'));

module.exports = router;
