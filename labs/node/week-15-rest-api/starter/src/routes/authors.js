'use strict';
const express = require('express');
const { notImplemented } = require('./todo');
// const { tables, nextId } = require('../store');

const router = express.Router();

// TODO (README, task 2): POST /v1/authors {name} -> 201 + Location: /v1/authors/<id> + the author;
// 422 when name is missing or not a non-empty string.
router.post('/', notImplemented('task 2, POST /v1/authors'));

// TODO (README, task 2): GET /v1/authors/:id -> 200 {id, name}, or 404.
router.get('/:id', notImplemented('task 2, GET /v1/authors/:id'));

// TODO (README, task 3): a method a route does not take (PUT /v1/authors/1) -> 405 + Allow.

module.exports = router;
