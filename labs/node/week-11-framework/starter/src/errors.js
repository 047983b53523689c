'use strict';
// An error that carries the HTTP status it should be answered with. body-parser's errors
// (400 for JSON that does not parse, 413 for a body over the limit) carry `status` the same way.

function httpError(status, message) {
  const err = new Error(message);
  err.status = status;
  return err;
}

module.exports = { httpError };
