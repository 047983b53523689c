'use strict';
// The rate limiters against a real Redis: counts shared by every instance.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { prepare, unique } = require('../support');
const limiters = require('../../src/auth/limiters');

before(prepare);

test('the login limiter blocks an account after 10 failures, for the rest of the minute', async () => {
  const email = `${unique('victim')}@shelf.test`;
  for (let i = 0; i < limiters.LOGIN_FAILURES - 1; i += 1) await limiters.loginFailed(email, '10.0.0.1');
  assert.equal(await limiters.loginBlockedFor(email, '10.0.0.1'), 0);
  await limiters.loginFailed(email, '10.0.0.1');
  const wait = await limiters.loginBlockedFor(email, '10.0.0.1');
  assert.ok(wait >= 1 && wait <= 60, `wait ${wait}`);
  assert.equal(await limiters.loginBlockedFor(email, '10.0.0.2'), 0, 'another peer is not blocked');
  assert.equal(await limiters.loginBlockedFor(`other-${email}`, '10.0.0.1'), 0, 'another account is not blocked');
});

test('the write limiter lets 100 writes a second through, then answers 429 with Retry-After', async () => {
  const res = () => ({
    headers: {},
    answers: [],
    set(name, value) { this.headers[name] = value; return this; },
    status(code) { this.answers.push(code); return this; },
    type() { return this; },
    json() { return this; },
  });
  const req = (client, method) => ({ method, caller: { id: client }, socket: { remoteAddress: '10.0.0.9' },
    get: () => undefined });
  // The burst must fall within one wall-clock second. It takes a few milliseconds, so it
  // usually does at once; when it crossed into the next second, try again (as another client)
  // just after a second begins, as often as a busy machine needs: three times.
  for (let attempt = 1; ; attempt += 1) {
    const client = unique('writer');
    const answer = res();
    let passed = 0;
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    const second = Math.floor(Date.now() / 1000);
    await Promise.all(Array.from({ length: limiters.WRITES_PER_SECOND + 5 },
      () => limiters.writeLimiter(req(client, 'POST'), answer, () => { passed += 1; })));
    if (Math.floor(Date.now() / 1000) !== second && attempt < 4) continue;
    assert.equal(passed, limiters.WRITES_PER_SECOND);
    assert.deepEqual(answer.answers, [429, 429, 429, 429, 429]);
    assert.equal(answer.headers['Retry-After'], '1');
    let read = false;
    await limiters.writeLimiter(req(client, 'GET'), answer, () => { read = true; });
    assert.equal(read, true, 'reads are not limited');
    return;
  }
});
