'use strict';
// TODO (item 3): unit tests like this one are a start. Add integration tests in
// tests/integration (the repositories against DATABASE_URL: run the migrations in the test
// setup) and end-to-end tests in tests/e2e (the app listening on port 0, spoken to over
// HTTP), and reach 80% of the lines of src/ (c8 --all counts the files no test loads).
// `npm test` runs every *.test.js of the three folders in one process: read tests/run.js
// before you write a before() or an after().
const { test } = require('node:test');
const assert = require('node:assert/strict');
const v = require('../../src/http/validate');

test('asId takes positive bigints as digits or safe integers, nothing else', () => {
  assert.equal(v.asId('42'), '42');
  assert.equal(v.asId(7), '7');
  for (const bad of ['0', '-1', '1.5', 'abc', '', '9223372036854775808', null, undefined]) {
    assert.equal(v.asId(bad), null, String(bad));
  }
});

test('bodyObject wants a JSON object', () => {
  assert.deepEqual(v.bodyObject({ body: { a: 1 } }), { a: 1 });
  assert.throws(() => v.bodyObject({ body: [] }), { status: 422 });
});
