// The lab's hidden tests of memoize(): see retry.test.mjs for how the harness runs them.
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { memoize } = await import(process.env.LAB_MODULE);

const opts = { timeout: 5000 };

function counted(fn) {
  const calls = [];
  const wrapped = (...args) => { calls.push(args); return fn(...args); };
  return { wrapped, calls };
}

test('memoize: one call per key; the same key returns the cached value', opts, () => {
  const { wrapped, calls } = counted((n) => n * 2);
  const double = memoize(wrapped);
  assert.equal(double(2), 4);
  assert.equal(double(2), 4);
  assert.equal(double(3), 6);
  assert.deepEqual(calls, [[2], [3]]);
});

test('memoize: the default key is the first argument, compared as a Map compares (NaN too)', opts, () => {
  const { wrapped, calls } = counted((x) => typeof x);
  const kind = memoize(wrapped);
  kind(NaN); kind(NaN); kind('1'); kind(1);
  assert.equal(calls.length, 3, 'NaN once, then "1" and 1 apart');
});

test('memoize: undefined, null, 0 and false results are cached too', opts, () => {
  for (const value of [undefined, null, 0, false, '']) {
    const { wrapped, calls } = counted(() => value);
    const f = memoize(wrapped);
    assert.equal(f('k'), value);
    assert.equal(f('k'), value);
    assert.equal(calls.length, 1, `a result of ${String(value) || "''"} computed once`);
  }
});

test('memoize: the key option picks the cache key from all arguments', opts, () => {
  const { wrapped, calls } = counted((a, b) => a + b);
  const add = memoize(wrapped, { key: (a, b) => `${a},${b}` });
  assert.equal(add(1, 2), 3);
  assert.equal(add(1, 3), 4);
  assert.equal(add(1, 2), 3);
  assert.equal(calls.length, 2);
});

test('memoize: a thrown error is not cached: the next call tries again', opts, () => {
  let calls = 0;
  const f = memoize(() => { calls += 1; if (calls === 1) throw new Error('once'); return 'fine'; });
  assert.throws(() => f('k'), /once/);
  assert.equal(f('k'), 'fine');
  assert.equal(calls, 2);
});

test('memoize: concurrent calls share one pending promise', opts, async () => {
  let calls = 0;
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const load = memoize(async (id) => { calls += 1; await gate; return `user ${id}`; });
  const both = Promise.all([load(7), load(7)]);
  release();
  assert.deepEqual(await both, ['user 7', 'user 7']);
  assert.equal(calls, 1);
});

test('memoize: a rejected promise is dropped from the cache: the next call tries again', opts, async () => {
  let calls = 0;
  const load = memoize(async () => {
    calls += 1;
    if (calls === 1) throw new Error('network down');
    return 'loaded';
  });
  await assert.rejects(load('k'), /network down/);
  assert.equal(await load('k'), 'loaded');
  assert.equal(calls, 2);
  assert.equal(await load('k'), 'loaded', 'a fulfilled promise stays cached');
  assert.equal(calls, 2);
});

test('memoize: maxSize evicts the least recently used key', opts, () => {
  const { wrapped, calls } = counted((k) => k.toUpperCase());
  const f = memoize(wrapped, { maxSize: 2 });
  f('a'); f('b');
  f('a'); // a is now the most recently used
  f('c'); // evicts b
  f('a');
  assert.equal(calls.length, 3, 'a stays cached after c arrives');
  f('b');
  assert.equal(calls.length, 4, 'b was evicted, so it is computed again');
});

test('memoize: clear() empties the cache', opts, () => {
  const { wrapped, calls } = counted((k) => k);
  const f = memoize(wrapped);
  f('a');
  f.clear();
  f('a');
  assert.equal(calls.length, 2);
});
