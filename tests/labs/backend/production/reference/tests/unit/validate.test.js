'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
require('../support');
const v = require('../../src/http/validate');

const thrown = (fn) => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
};

test('asId takes positive bigints as digits or safe integers, nothing else', () => {
  assert.equal(v.asId('42'), '42');
  assert.equal(v.asId(7), '7');
  assert.equal(v.asId('9223372036854775807'), '9223372036854775807');
  for (const bad of ['0', '-1', '1.5', 'abc', '', '9223372036854775808', 1.5, null, undefined, {}]) {
    assert.equal(v.asId(bad), null, String(bad));
  }
});

test('pathId answers 404 for an id that cannot name anything', () => {
  assert.equal(v.pathId({ params: { id: '12' } }, 'book'), '12');
  const err = thrown(() => v.pathId({ params: { id: 'x' } }, 'book'));
  assert.equal(err.status, 404);
  assert.match(err.detail, /book not found/);
});

test('bodyObject wants a JSON object', () => {
  assert.deepEqual(v.bodyObject({ body: { a: 1 } }), { a: 1 });
  for (const body of [null, undefined, [], 'text', 3]) {
    assert.equal(thrown(() => v.bodyObject({ body })).status, 422);
  }
});

test('requireId, requireText, requireInt and requireTags refuse the wrong types with 422', () => {
  assert.equal(v.requireId({ a: '5' }, 'a'), '5');
  assert.equal(thrown(() => v.requireId({ a: 'x' }, 'a')).status, 422);
  assert.equal(v.requireText({ t: 'x' }, 't'), 'x');
  assert.equal(thrown(() => v.requireText({ t: '  ' }, 't')).status, 422);
  assert.equal(v.requireInt({ n: 3 }, 'n'), 3);
  assert.equal(v.requireInt({ n: null }, 'n', { nullable: true }), null);
  assert.equal(thrown(() => v.requireInt({ n: -1 }, 'n', { min: 0 })).status, 422);
  assert.equal(thrown(() => v.requireInt({ n: 2 ** 31 }, 'n')).status, 422);
  assert.equal(thrown(() => v.requireInt({ n: '3' }, 'n')).status, 422);
  assert.deepEqual(v.requireTags({ tags: ['a'] }, 'tags'), ['a']);
  assert.equal(thrown(() => v.requireTags({ tags: [1] }, 'tags')).status, 422);
});
