'use strict';
const express = require('express');
const { notImplemented } = require('./todo');
// const db = require('../db');

const router = express.Router();

// TODO (README, task 2): POST /v1/authors {name}
// 201 Created, a Location header (/v1/authors/<id>) and the author {id, name}.
// 422 problem+json when name is missing or not a non-empty string.
// Ids are bigint in PostgreSQL; send them as strings in JSON.
router.post('/', notImplemented('task 2, POST /v1/authors'));

// TODO (README, task 2): GET /v1/authors/:id -> 200 or 404.
// An id that is not made of digits names no author: 404, never 500.
router.get('/:id', notImplemented('task 2, GET /v1/authors/:id'));

module.exports = router;
