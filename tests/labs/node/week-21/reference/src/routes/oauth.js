'use strict';
// GET /v1/auth/oauth/login: to the provider. GET /v1/auth/oauth/callback: back, with a code.
const express = require('express');
const crypto = require('node:crypto');
const oauth = require('../auth/oauth');
const accounts = require('../repos/accounts');
const identities = require('../repos/identities');
const tokens = require('../auth/tokens');
const { HttpError, unauthorizedError } = require('../http/problem');

const router = express.Router();

function cookieValue(req, name) {
  for (const part of (req.get('cookie') || '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

function sameText(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

router.get('/login', async (req, res) => {
  const { url, cookie } = await oauth.begin();
  res.cookie(oauth.COOKIE, cookie, {
    httpOnly: true, sameSite: 'lax', path: '/v1/auth/oauth', maxAge: oauth.PENDING_TTL_S * 1000,
    secure: req.secure,
  });
  res.redirect(302, url);
});

router.get('/callback', async (req, res) => {
  res.set('Cache-Control', 'no-store');
  const pending = oauth.pendingFrom(cookieValue(req, oauth.COOKIE));
  const { code, state, error } = req.query;
  if (error) throw new HttpError(400, `the provider refused the sign-in: ${error}`);
  // The state first: a callback this browser did not start is refused before the code is used.
  if (!pending || typeof state !== 'string' || !sameText(state, pending.state)) {
    throw new HttpError(400, 'the sign-in state is missing or does not match: start again at /v1/auth/oauth/login');
  }
  if (typeof code !== 'string' || !code) throw new HttpError(400, 'the callback carries no code');
  res.clearCookie(oauth.COOKIE, { path: '/v1/auth/oauth' });
  let claims;
  try {
    claims = await oauth.finish(code, pending);
  } catch (err) {
    if (err.refused) throw unauthorizedError(err.message);
    throw err;
  }
  const member = await identities.linkIdentity(oauth.issuer(), claims);
  if (!member) throw new HttpError(409, 'an account with this e-mail exists: log in with its password');
  res.json({
    access_token: tokens.signAccess(member),
    refresh_token: await accounts.issueRefresh(member.id, null),
    token_type: 'Bearer',
    expires_in: tokens.ACCESS_TTL_S,
  });
});

module.exports = router;
