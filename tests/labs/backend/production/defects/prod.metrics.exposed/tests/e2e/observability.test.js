'use strict';
// End to end: health, request ids, errors as problem+json, metrics.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { serve, call } = require('./http');

serve();

test('health, request ids, problem+json for unknown routes and malformed JSON', async () => {
  assert.deepEqual((await call('GET', '/health')).json, { status: 'ok' });
  const unknown = await call('GET', '/v1/nothing', { headers: { 'x-request-id': 'e2e-42' } });
  assert.equal(unknown.status, 404);
  assert.match(unknown.headers.get('content-type'), /application\/problem\+json/);
  assert.equal(unknown.headers.get('x-request-id'), 'e2e-42');
  assert.match((await call('GET', '/health')).headers.get('x-request-id'), /^[0-9a-f-]{36}$/);
  const malformed = await call('POST', '/v1/auth/login', { body: '{"email":' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.json.status, 400);
});

test('GET /metrics answers in the Prometheus text format', async () => {
  const metrics = await call('GET', '/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get('content-type'), /^text\/plain/);
});
