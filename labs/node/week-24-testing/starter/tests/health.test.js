'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call } = require('./support');

test('GET /health answers 200 {status: "ok"}', async () => {
  const res = await call('GET', '/health');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { status: 'ok' });
});
