'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const jwt = require('jsonwebtoken');
require('../support');
const tokens = require('../../src/auth/tokens');
const passwords = require('../../src/auth/passwords');
const settings = require('../../src/settings');

test('an access token verifies to its member and role, and expires in 15 minutes', () => {
  const token = tokens.signAccess({ id: 42, role: 'admin' });
  assert.deepEqual(tokens.verifyAccess(token), { id: '42', role: 'admin' });
  const claims = jwt.decode(token);
  assert.equal(claims.exp - claims.iat, tokens.ACCESS_TTL_S);
  assert.equal(tokens.ACCESS_TTL_S, 900);
});

test('tampered, unsigned, foreign and refresh-typed tokens verify to nothing', () => {
  const token = tokens.signAccess({ id: 1, role: 'member' });
  const [header, payload, signature] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...jwt.decode(token), role: 'admin' })).toString('base64url');
  assert.equal(tokens.verifyAccess(`${header}.${forged}.${signature}`), null);
  assert.equal(tokens.verifyAccess(`${header}.${payload}.`), null);
  const none = jwt.sign({ sub: '1', typ: 'access' }, '', { algorithm: 'none' });
  assert.equal(tokens.verifyAccess(none), null);
  assert.equal(tokens.verifyAccess(jwt.sign({ sub: '1', typ: 'access' }, 'another-secret-another-secret-123')), null);
  assert.equal(tokens.verifyAccess(tokens.newRefreshToken()), null);
});

test('refresh tokens are 256 random bits, stored as their sha256', () => {
  const a = tokens.newRefreshToken();
  assert.equal(Buffer.from(a, 'base64url').length, 32);
  assert.notEqual(a, tokens.newRefreshToken());
  assert.match(tokens.digest(a), /^[0-9a-f]{64}$/);
  assert.equal(tokens.digest(a), tokens.digest(a));
});

test('passwords: 12 characters to 72 bytes, bcrypt, never a match for a missing hash', async () => {
  assert.match(passwords.weakness('short'), /at least 12/);
  assert.match(passwords.weakness('é'.repeat(40)), /at most 72 bytes/);
  assert.match(passwords.weakness(12), /string/);
  assert.equal(passwords.weakness('a fine long password'), null);
  const hash = await passwords.hash('a fine long password');
  assert.ok(hash.startsWith(`$2b$${String(settings.bcryptRounds).padStart(2, '0')}$`), `${hash} has the configured cost`);
  assert.equal(await passwords.verify('a fine long password', hash), true);
  assert.equal(await passwords.verify('another password!', hash), false);
  assert.equal(await passwords.verify('a fine long password', null), false);
  assert.equal(await passwords.verify('x'.repeat(100), hash), false);
});
