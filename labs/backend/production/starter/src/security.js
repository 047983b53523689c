'use strict';
// Browser-facing protection: security headers (helmet) and CORS for the Shelf web app only.
const cors = require('cors');
const helmet = require('helmet');

const ALLOWED_ORIGIN = 'https://app.shelf.test';

const headers = helmet();

// An exact comparison: a RegExp or startsWith would also grant look-alikes such as
// https://app.shelf.test.evil.test. Other origins get no CORS headers at all.
const corsPolicy = cors({
  origin: (origin, callback) => callback(null, origin === ALLOWED_ORIGIN),
  credentials: true,
  methods: ['GET', 'POST', 'PATCH', 'DELETE'],
  allowedHeaders: ['Authorization', 'Content-Type'],
  maxAge: 600,
});

module.exports = { headers, corsPolicy, ALLOWED_ORIGIN };
