'use strict';
const express = require('express');
const { notImplemented } = require('./todo');

const router = express.Router();

// TODO (README, task 2): POST /v1/loans {book_id, member_id} -> 201; the book's copies_available
// drops by one. 404 unknown book or member, 409 when no copy is left.
router.post('/', notImplemented('task 2, POST /v1/loans'));

// TODO (README, task 2): POST /v1/loans/:id/return -> 200; the copy comes back. 404, 409 returned already.
router.post('/:id/return', notImplemented('task 2, POST /v1/loans/:id/return'));

module.exports = router;
