'use strict';
// A log line per request, with its request id: taken from X-Request-Id when the caller
// sent a sane one, generated otherwise, and echoed in the response.
const crypto = require('node:crypto');
const logger = require('../log');

const SANE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

function requestId(req, res) {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_ID.test(given) ? given : crypto.randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

function level(req, res, err) {
  if (err || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return 'info';
}

// Defect: "GET /v1/books/1 200 3ms id=..." as text, not a JSON object.
function requestLogger(req, res, next) {
  const id = requestId(req, res);
  const started = Date.now();
  res.on('finish', () => {
    logger[level(req, res)](`${req.method} ${req.originalUrl} ${res.statusCode} ${Date.now() - started}ms id=${id}`);
  });
  next();
}

module.exports = { requestLogger, requestId, level };
