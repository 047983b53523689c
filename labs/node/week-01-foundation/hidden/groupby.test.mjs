// The lab's hidden tests of groupBy(): see retry.test.mjs for how the harness runs them.
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { groupBy } = await import(process.env.LAB_MODULE);

const opts = { timeout: 5000 };

test('groupBy: groups by key, in the order of first appearance, items in input order', opts, () => {
  const groups = groupBy(['apple', 'banana', 'avocado', 'blueberry', 'cherry'], (s) => s[0]);
  assert.deepEqual(Object.keys(groups), ['a', 'b', 'c']);
  assert.deepEqual(groups.a, ['apple', 'avocado']);
  assert.deepEqual(groups.b, ['banana', 'blueberry']);
  assert.deepEqual(groups.c, ['cherry']);
});

test('groupBy: an empty input gives an empty object', opts, () => {
  assert.deepEqual(Object.keys(groupBy([], () => 'x')), []);
});

test('groupBy: keys such as constructor, toString and __proto__ are plain groups', opts, () => {
  const words = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'constructor'];
  const groups = groupBy(words, (w) => w);
  assert.deepEqual(groups.constructor, ['constructor', 'constructor']);
  assert.deepEqual(groups.toString, ['toString']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(groups, '__proto__')?.value, ['__proto__']);
  assert.deepEqual(groups.hasOwnProperty, ['hasOwnProperty']);
  assert.equal(Object.getPrototypeOf(groups), null, 'a null-prototype object, as Object.groupBy returns');
});

test('groupBy: any iterable, read once (a generator, a Set)', opts, () => {
  function* numbers() { yield 1; yield 2; yield 3; yield 4; }
  const parity = (n) => (n % 2 ? 'odd' : 'even');
  assert.deepEqual({ ...groupBy(numbers(), parity) }, { odd: [1, 3], even: [2, 4] });
  assert.deepEqual({ ...groupBy(new Set([5, 6]), parity) }, { odd: [5], even: [6] });
});

test('groupBy: the key function gets each item and its index, once per item', opts, () => {
  const seen = [];
  const groups = groupBy(['x', 'y', 'z'], (item, index) => { seen.push([item, index]); return index < 2 ? 'first' : 'rest'; });
  assert.deepEqual(seen, [['x', 0], ['y', 1], ['z', 2]]);
  assert.deepEqual({ ...groups }, { first: ['x', 'y'], rest: ['z'] });
});

test('groupBy: number and symbol keys', opts, () => {
  const tag = Symbol('tag');
  const groups = groupBy([1, 2, 3], (n) => (n === 3 ? tag : n % 2));
  assert.deepEqual(groups[1], [1]);
  assert.deepEqual(groups[0], [2]);
  assert.deepEqual(groups[tag], [3]);
});
