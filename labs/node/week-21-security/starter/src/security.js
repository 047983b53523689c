'use strict';
// Browser-facing protection: security headers and CORS.
//
// TODO (README, task 6): headers = helmet() (npm package helmet, already installed):
//   X-Content-Type-Options: nosniff, framing protection, Referrer-Policy, a CSP ...
//
// TODO (README, task 6): corsPolicy = cors({...}) (npm package cors) that grants exactly
//   one origin, https://app.shelf.test, with credentials, and lets its preflights send
//   the Authorization header. Every other origin gets no CORS header at all. Beware:
//   origin: true reflects ANY origin, and a RegExp like /app\.shelf\.test/ also matches
//   https://app.shelf.test.evil.test.
const ALLOWED_ORIGIN = 'https://app.shelf.test';

const passThrough = (req, res, next) => next();
const headers = passThrough;
const corsPolicy = passThrough;

module.exports = { headers, corsPolicy, ALLOWED_ORIGIN };
