// The lab's hidden tests of retry(): the harness copies this file into the project's
// .harness/hidden/ and runs it with node --test, importing the package by its own name
// (LAB_MODULE), so the package.json "exports" is what resolves it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { retry } = await import(process.env.LAB_MODULE);

// A clock the test drives: each sleep(ms) is recorded and resolves only when the test says so.
function manualClock() {
  const sleeps = [];
  const waiting = [];
  return {
    sleeps,
    sleep(ms) {
      sleeps.push(ms);
      return new Promise((resolve) => waiting.push(resolve));
    },
    // Let everything pending settle, then end the oldest sleep.
    async advance() {
      await settle();
      const next = waiting.shift();
      assert.ok(next, 'retry was expected to be sleeping, but it called no sleep()');
      next();
      await settle();
    },
  };
}

async function settle() {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

// Resolves (or rejects) instantly: the delays are only recorded.
function recordingClock() {
  const sleeps = [];
  return { sleeps, sleep: async (ms) => { sleeps.push(ms); } };
}

function failing(times, value = 'ok') {
  const calls = [];
  const fn = async (attempt) => {
    calls.push(attempt);
    if (calls.length <= times) throw new Error(`failure ${calls.length}`);
    return value;
  };
  return { fn, calls };
}

const opts = { timeout: 5000 };

test('retry: a first success returns its value without sleeping', opts, async () => {
  const clock = recordingClock();
  const { fn, calls } = failing(0, 42);
  assert.equal(await retry(fn, { sleep: clock.sleep }), 42);
  assert.deepEqual(calls, [1]);
  assert.deepEqual(clock.sleeps, []);
});

test('retry: two failures then a success: delays 100, 200 (defaults baseMs 100, factor 2)', opts, async () => {
  const clock = recordingClock();
  const { fn, calls } = failing(2);
  assert.equal(await retry(fn, { sleep: clock.sleep }), 'ok');
  assert.deepEqual(calls, [1, 2, 3], 'fn gets the attempt number, from 1');
  assert.deepEqual(clock.sleeps, [100, 200]);
});

test('retry: every attempt fails: rejects with the last error after retries + 1 attempts', opts, async () => {
  const clock = recordingClock();
  const errors = [];
  const fn = async () => {
    const error = new Error(`failure ${errors.length + 1}`);
    errors.push(error);
    throw error;
  };
  await assert.rejects(retry(fn, { retries: 3, sleep: clock.sleep }), (error) => {
    assert.equal(error, errors.at(-1), 'the very error object of the last attempt');
    return true;
  });
  assert.equal(errors.length, 4);
  assert.deepEqual(clock.sleeps, [100, 200, 400]);
});

test('retry: delays grow by factor from baseMs and stop at maxMs (100, 300, 500, 500)', opts, async () => {
  const clock = recordingClock();
  const { fn } = failing(4);
  await retry(fn, { retries: 4, baseMs: 100, factor: 3, maxMs: 500, sleep: clock.sleep });
  assert.deepEqual(clock.sleeps, [100, 300, 500, 500]);
});

test('retry: retries: 0 means one attempt and no sleep', opts, async () => {
  const clock = recordingClock();
  const { fn, calls } = failing(1);
  await assert.rejects(retry(fn, { retries: 0, sleep: clock.sleep }), /failure 1/);
  assert.deepEqual(calls, [1]);
  assert.deepEqual(clock.sleeps, []);
});

test('retry: no attempt starts before its delay has passed', opts, async () => {
  const clock = manualClock();
  const { fn, calls } = failing(2);
  const result = retry(fn, { sleep: clock.sleep });
  await settle();
  assert.deepEqual(calls, [1], 'one attempt, then waiting for the first delay');
  await clock.advance();
  assert.deepEqual(calls, [1, 2]);
  await clock.advance();
  assert.deepEqual(calls, [1, 2, 3]);
  assert.equal(await result, 'ok');
});

test('retry: a synchronous throw counts as a failed attempt', opts, async () => {
  const clock = recordingClock();
  let calls = 0;
  const fn = () => {
    calls += 1;
    if (calls === 1) throw new TypeError('sync');
    return 'sync ok';
  };
  assert.equal(await retry(fn, { sleep: clock.sleep }), 'sync ok');
  assert.deepEqual(clock.sleeps, [100]);
});

test('retry: shouldRetry returning false rejects at once with that error', opts, async () => {
  const clock = recordingClock();
  const seen = [];
  const fatal = new Error('fatal');
  const fn = async () => { throw fatal; };
  const shouldRetry = (error, attempt) => { seen.push([error, attempt]); return false; };
  await assert.rejects(retry(fn, { sleep: clock.sleep, shouldRetry }), (error) => error === fatal);
  assert.deepEqual(seen, [[fatal, 1]]);
  assert.deepEqual(clock.sleeps, []);
});

test('retry: without a sleep option it waits with setTimeout (mock.timers)', opts, async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { fn, calls } = failing(1);
  const result = retry(fn, { baseMs: 1000 });
  await settle();
  assert.deepEqual(calls, [1]);
  t.mock.timers.tick(999);
  await settle();
  assert.deepEqual(calls, [1], 'no second attempt 999 ms in');
  t.mock.timers.tick(1);
  await settle();
  assert.deepEqual(calls, [1, 2], 'the second attempt at 1000 ms');
  assert.equal(await result, 'ok');
});
