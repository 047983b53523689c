'use strict';
const express = require('express');
const { notImplemented } = require('./todo');

const router = express.Router();

// TODO (README, task 3): GET /v1/me -> 200 the caller {id, email, name, role}; 401 without
// a valid access token. Select the columns you return: never the password hash.
router.get('/', notImplemented('task 3, GET /v1/me'));

module.exports = router;
