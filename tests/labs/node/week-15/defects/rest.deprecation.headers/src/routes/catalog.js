'use strict';
// GET /v1/catalog: the deprecated name of GET /v1/books. Same parameters, same body;
// the headers tell clients since when (RFC 9745), until when (RFC 8594) and what next.
const express = require('express');
const { methodNotAllowed } = require('../http/problem');
const { listBooks } = require('../books/list');

const DEPRECATED_AT = Date.UTC(2026, 0, 1) / 1000;
const SUNSET = new Date(Date.UTC(2028, 0, 1)); // toUTCString() gives the HTTP date format

const router = express.Router();

router.route('/')
  .get((req, res) => {
    res.set({
      Deprecation: `@${DEPRECATED_AT}`,
      Sunset: SUNSET.toString(),
      Link: '</v1/books>; rel="successor-version"',
    });
    res.json(listBooks(req.query));
  })
  .all(methodNotAllowed('GET', 'HEAD'));

module.exports = router;
