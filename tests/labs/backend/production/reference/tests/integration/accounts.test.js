'use strict';
// Accounts and refresh-token families against a real PostgreSQL.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { prepare, member } = require('../support');
const db = require('../../src/db');
const accounts = require('../../src/repos/accounts');

before(prepare);

test('an account is found by e-mail (with its hash) and by id (without)', async () => {
  const m = await member();
  assert.equal((await accounts.findForLogin(m.email)).password_hash, 'x');
  assert.deepEqual(Object.keys(await accounts.get(m.id)).sort(), ['email', 'id', 'name', 'role']);
  assert.equal(await accounts.findForLogin('nobody@shelf.test'), null);
});

test('refresh tokens rotate, a reused one revokes the family, logout revokes', async () => {
  const m = await member();
  const r1 = await accounts.issueRefresh(m.id, null);
  const { rows } = await db.query('SELECT token_hash FROM refresh_tokens WHERE member_id = $1', [m.id]);
  assert.notEqual(rows[0].token_hash, r1, 'only the hash is stored');
  const second = await accounts.rotate(r1);
  assert.equal(second.member.id, m.id);
  assert.equal(await accounts.rotate(r1), null, 'a spent token is refused');
  assert.equal(await accounts.rotate(second.token), null, 'and its family is revoked');
  const r3 = await accounts.issueRefresh(m.id, null);
  assert.equal(await accounts.revokeFamily(r3), true);
  assert.equal(await accounts.revokeFamily(r3), false);
  assert.equal(await accounts.rotate(r3), null);
});
