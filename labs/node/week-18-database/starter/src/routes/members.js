'use strict';
const express = require('express');
const { notImplemented } = require('./todo');
// const db = require('../db');

const router = express.Router();

// TODO (README, task 2): POST /v1/members {email, name}
// 201 + Location (/v1/members/<id>) + the member.
// 422 when email (must contain @) or name is invalid; 409 when the email is taken.
// Let the database enforce uniqueness (a UNIQUE constraint) and turn its error
// (err.code '23505') into 409: checking first and inserting second races.
router.post('/', notImplemented('task 2, POST /v1/members'));

// TODO (README, task 2): GET /v1/members/:id -> 200 or 404.
router.get('/:id', notImplemented('task 2, GET /v1/members/:id'));

module.exports = router;
