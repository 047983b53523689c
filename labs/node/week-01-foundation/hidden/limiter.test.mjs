// The lab's hidden tests of limit(): see retry.test.mjs for how the harness runs them.
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { limit } = await import(process.env.LAB_MODULE);

const opts = { timeout: 10000 };

async function turns(n) {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

test('limit: 200 tasks under limit(4): never more than 4 running, and 4 reached', opts, async () => {
  const run = limit(4);
  let active = 0;
  let peak = 0;
  const task = (i) => async () => {
    active += 1;
    peak = Math.max(peak, active);
    await turns(1 + ((i * 7) % 5)); // uneven durations, the same on every run
    active -= 1;
    return i;
  };
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => run(task(i))));
  assert.deepEqual(results, Array.from({ length: 200 }, (_, i) => i), 'each call resolves with its own task\'s value');
  assert.ok(peak <= 4, `at most 4 tasks at once, but ${peak} ran together`);
  assert.equal(peak, 4, 'the limiter lets 4 tasks run together');
});

test('limit: limit(1) runs tasks one at a time, in the order they were given', opts, async () => {
  const run = limit(1);
  const log = [];
  const task = (name) => async () => {
    log.push(`start ${name}`);
    await turns(2);
    log.push(`end ${name}`);
  };
  await Promise.all(['a', 'b', 'c'].map((name) => run(task(name))));
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});

test('limit: a rejected task rejects its own call and frees its slot', opts, async () => {
  const run = limit(2);
  const boom = new Error('boom');
  const calls = [
    run(async () => { await turns(1); throw boom; }),
    run(async () => { await turns(1); throw boom; }),
    run(async () => 'third'),
    run(async () => 'fourth'),
  ];
  const settled = await Promise.allSettled(calls);
  assert.deepEqual(settled.map((s) => s.status), ['rejected', 'rejected', 'fulfilled', 'fulfilled']);
  assert.equal(settled[0].reason, boom, 'the task\'s own error');
  assert.deepEqual(settled.slice(2).map((s) => s.value), ['third', 'fourth']);
});

test('limit: a task that throws synchronously rejects its call and frees its slot', opts, async () => {
  const run = limit(1);
  const first = run(() => { throw new TypeError('sync'); });
  const second = run(() => 'after');
  await assert.rejects(first, TypeError);
  assert.equal(await second, 'after');
});

test('limit: 100 failing tasks under limit(3) never exceed 3 and all settle', opts, async () => {
  const run = limit(3);
  let active = 0;
  let peak = 0;
  const calls = Array.from({ length: 100 }, (_, i) => run(async () => {
    active += 1;
    peak = Math.max(peak, active);
    await turns(1 + (i % 3));
    active -= 1;
    if (i % 2 === 0) throw new Error(`task ${i}`);
    return i;
  }));
  const settled = await Promise.allSettled(calls);
  assert.equal(settled.filter((s) => s.status === 'rejected').length, 50);
  assert.ok(peak <= 3, `at most 3 tasks at once, but ${peak} ran together`);
});

test('limit: a concurrency below 1 or not an integer is a RangeError', opts, () => {
  assert.throws(() => limit(0), RangeError);
  assert.throws(() => limit(-1), RangeError);
  assert.throws(() => limit(1.5), RangeError);
});
