'use strict';
// Register, login, refresh, logout (Shelf's Accounts section).
const express = require('express');
const accounts = require('../repos/accounts');
const passwords = require('../auth/passwords');
const tokens = require('../auth/tokens');
const { loginLimiter } = require('../auth/limiter');
const { validationError, conflictError, unauthorizedError } = require('../http/problem');
const { bodyObject, requireText, requireEmail } = require('../http/validate');

const router = express.Router();

// Answers that carry tokens must not be stored by any cache (RFC 6749 §5.1).
router.use((req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
});

function normalizeEmail(value) {
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

async function tokenPair(member, familyId = null) {
  return {
    access_token: tokens.signAccess(member),
    refresh_token: await accounts.issueRefresh(member.id, familyId),
    token_type: 'Bearer',
    expires_in: tokens.ACCESS_TTL_S,
  };
}

// Only email, password and name are read: a "role" in the body is ignored.
router.post('/register', async (req, res) => {
  const body = bodyObject(req);
  const email = normalizeEmail(body.email);
  requireEmail({ email }, 'email');
  const name = requireText(body, 'name');
  const weakness = passwords.weakness(body.password);
  if (weakness) throw validationError(weakness);
  try {
    const member = await accounts.register({ email, name, passwordHash: await passwords.hash(body.password) });
    res.status(201).location(`/v1/members/${member.id}`).json(member);
  } catch (err) {
    if (err.code === '23505') throw conflictError('an account with this email already exists');
    throw err;
  }
});

router.post('/login', loginLimiter, async (req, res) => {
  const body = bodyObject(req);
  const email = normalizeEmail(body.email);
  const member = email ? await accounts.findForLogin(email) : null;
  // Same answer, and the same work, for an unknown e-mail and a wrong password.
  const ok = await passwords.verify(body.password, member?.password_hash);
  if (!member || !ok) throw unauthorizedError('email or password is wrong');
  const { password_hash: _hidden, ...publicMember } = member;
  res.json(await tokenPair(publicMember));
});

router.post('/refresh', async (req, res) => {
  const raw = bodyObject(req).refresh_token;
  const rotated = typeof raw === 'string' ? await accounts.rotate(raw) : null;
  if (!rotated) throw unauthorizedError('the refresh token is not valid');
  res.json({
    access_token: tokens.signAccess(rotated.member),
    refresh_token: rotated.token,
    token_type: 'Bearer',
    expires_in: tokens.ACCESS_TTL_S,
  });
});

router.post('/logout', async (req, res) => {
  const raw = bodyObject(req).refresh_token;
  if (typeof raw !== 'string' || !(await accounts.revokeFamily(raw))) {
    throw unauthorizedError('the refresh token is not valid');
  }
  res.status(204).end();
});

module.exports = router;
