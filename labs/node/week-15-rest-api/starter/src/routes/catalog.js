'use strict';
const express = require('express');
const { notImplemented } = require('./todo');

const router = express.Router();

// TODO (README, task 5): GET /v1/catalog is the deprecated name of GET /v1/books: the same
// parameters and body, plus the headers Deprecation, Sunset and Link (see the README).
router.get('/', notImplemented('task 5, GET /v1/catalog'));

module.exports = router;
