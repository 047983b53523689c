'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
require('../support');
const problem = require('../../src/http/problem');

/** A stand-in for Express's res that records what the handler sent. */
function fakeRes() {
  const res = {
    headersSent: false,
    headers: {},
    status(code) { this.statusCode = code; return this; },
    type(t) { this.contentType = t; return this; },
    set(name, value) { this.headers[name] = value; return this; },
    json(body) { this.body = body; return this; },
  };
  return res;
}

const req = { method: 'GET', originalUrl: '/x', path: '/x', log: { error() {} } };

test('HttpErrors become problem+json with their status; a 401 names the Bearer scheme', () => {
  const res = fakeRes();
  problem.errorHandler(problem.unauthorizedError(), req, res, () => {});
  assert.equal(res.statusCode, 401);
  assert.equal(res.contentType, 'application/problem+json');
  assert.equal(res.headers['WWW-Authenticate'], 'Bearer');
  assert.deepEqual(Object.keys(res.body).sort(), ['detail', 'status', 'title', 'type']);
  for (const [make, status] of [[problem.forbiddenError, 403], [problem.notFoundError, 404],
    [() => problem.conflictError('c'), 409], [() => problem.validationError('v'), 422]]) {
    const r = fakeRes();
    problem.errorHandler(make(), req, r, () => {});
    assert.equal(r.statusCode, status);
    assert.equal(r.body.status, status);
  }
});

test('malformed JSON is a 400, body-parser 4xx errors keep their status, anything else is a bare 500', () => {
  let res = fakeRes();
  problem.errorHandler({ type: 'entity.parse.failed' }, req, res, () => {});
  assert.equal(res.statusCode, 400);
  res = fakeRes();
  problem.errorHandler({ expose: true, status: 413, message: 'too large' }, req, res, () => {});
  assert.equal(res.statusCode, 413);
  res = fakeRes();
  problem.errorHandler(new Error('SELECT secret FROM users failed'), req, res, () => {});
  assert.equal(res.statusCode, 500);
  assert.doesNotMatch(JSON.stringify(res.body), /SELECT|secret/);
});

test('an error after the headers went out is passed on; unknown routes are 404', () => {
  let passed = null;
  problem.errorHandler(new Error('late'), req, { ...fakeRes(), headersSent: true }, (err) => { passed = err; });
  assert.equal(passed.message, 'late');
  const res = fakeRes();
  problem.notFound(req, res);
  assert.equal(res.statusCode, 404);
  assert.match(res.body.detail, /no route for GET \/x/);
});
