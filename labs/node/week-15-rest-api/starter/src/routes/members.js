'use strict';
const express = require('express');
const { notImplemented } = require('./todo');

const router = express.Router();

// TODO (README, task 2): POST /v1/members {email, name} -> 201 + Location; 422 invalid, 409 duplicate email.
router.post('/', notImplemented('task 2, POST /v1/members'));

module.exports = router;
