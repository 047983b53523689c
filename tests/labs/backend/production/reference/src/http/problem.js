'use strict';
// Every error leaves the API as RFC 9457 problem+json: {type, title, status, detail}.
const { STATUS_CODES } = require('node:http');
const logger = require('../log');

class HttpError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

const notFoundError = (what = 'resource') => new HttpError(404, `${what} not found`);
const validationError = (detail) => new HttpError(422, detail);
const conflictError = (detail) => new HttpError(409, detail);
const unauthorizedError = (detail = 'a valid Bearer access token is required') => new HttpError(401, detail);
const forbiddenError = (detail = 'you may not do this') => new HttpError(403, detail);

function sendProblem(res, status, detail) {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title: STATUS_CODES[status] || 'Error', status, detail });
}

// Mounted after every route: nothing matched.
function notFound(req, res) {
  sendProblem(res, 404, `no route for ${req.method} ${req.path}`);
}

// Express calls this for errors thrown (or rejected) in handlers and middleware.
// eslint-disable-next-line no-unused-vars
function errorHandler(err, req, res, next) {
  if (res.headersSent) return next(err);
  if (err instanceof HttpError) {
    // RFC 6750 §3: a 401 names the scheme the client must use.
    if (err.status === 401) res.set('WWW-Authenticate', 'Bearer');
    return sendProblem(res, err.status, err.detail);
  }
  if (err.type === 'entity.parse.failed') {
    return sendProblem(res, 400, 'the request body is not valid JSON');
  }
  // Other body-parser errors (413 too large, 415 unsupported charset ...) carry a
  // safe 4xx status and message.
  if (err.expose && Number.isInteger(err.status) && err.status >= 400 && err.status < 500) {
    return sendProblem(res, err.status, err.message);
  }
  // Anything else is our fault: log it (as JSON, with the request id and the stack),
  // tell the client nothing about SQL or code.
  (req.log || logger).error({ err }, `unexpected error: ${req.method} ${req.originalUrl}`);
  return sendProblem(res, 500, 'an unexpected error occurred');
}

module.exports = {
  HttpError,
  notFoundError,
  validationError,
  conflictError,
  unauthorizedError,
  forbiddenError,
  sendProblem,
  notFound,
  errorHandler,
};
