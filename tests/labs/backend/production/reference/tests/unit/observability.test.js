'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
require('../support');
const { routeLabel } = require('../../src/metrics');
const { requestId, level } = require('../../src/http/logging');

test('metrics are labelled by route template, never by raw path', () => {
  assert.equal(routeLabel({ route: { path: '/:id' }, routeBase: '/v1/books' }), '/v1/books/:id');
  assert.equal(routeLabel({ route: { path: '/' }, routeBase: '/v1/books' }), '/v1/books');
  assert.equal(routeLabel({ route: { path: '/health' }, baseUrl: '' }), '/health');
  assert.equal(routeLabel({ route: { path: '/' } }), '/');
  assert.equal(routeLabel({ url: '/v1/nothing/here' }), 'unmatched');
});

test('the request id comes from X-Request-Id when it is sane, else it is generated; both are echoed', () => {
  const headers = {};
  const res = { setHeader: (name, value) => { headers[name] = value; } };
  assert.equal(requestId({ headers: { 'x-request-id': 'abc-123' } }, res), 'abc-123');
  assert.equal(headers['X-Request-Id'], 'abc-123');
  for (const given of [undefined, '', 'has spaces', 'x'.repeat(200), ['a', 'b'], '<script>']) {
    const id = requestId({ headers: { 'x-request-id': given } }, res);
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(headers['X-Request-Id'], id);
  }
});

test('log levels follow the status: info, warn for 4xx, error for 5xx and failures', () => {
  assert.equal(level({}, { statusCode: 200 }), 'info');
  assert.equal(level({}, { statusCode: 404 }), 'warn');
  assert.equal(level({}, { statusCode: 503 }), 'error');
  assert.equal(level({}, { statusCode: 200 }, new Error('aborted')), 'error');
});
