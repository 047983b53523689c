'use strict';
const express = require('express');
const { notImplemented } = require('./todo');
const { loginLimiter } = require('../auth/limiter');

const router = express.Router();

// Answers with tokens must never be cached (RFC 6749 §5.1): set Cache-Control: no-store
// on every route of this router.

// TODO (README, task 2): POST /v1/auth/register {email, password, name}
// 201 + Location + the member {id, email, name, role} (NEVER the hash).
// 422 for an invalid email or a weak password (src/auth/passwords.js), 409 when taken.
// The role is always 'member': read only email, password and name from the body.
router.post('/register', notImplemented('task 2, POST /v1/auth/register'));

// TODO (README, task 3): POST /v1/auth/login {email, password}
// 200 {access_token, refresh_token, token_type: "Bearer", expires_in: <seconds>}.
// 401 with the same answer for an unknown e-mail and a wrong password.
router.post('/login', loginLimiter, notImplemented('task 3, POST /v1/auth/login'));

// TODO (README, task 3): POST /v1/auth/refresh {refresh_token}
// 200 with a NEW pair; the presented token is spent. A spent token presented again
// means it was stolen (or the owner's copy was): revoke its whole family, answer 401.
router.post('/refresh', notImplemented('task 3, POST /v1/auth/refresh'));

// TODO (README, task 3): POST /v1/auth/logout {refresh_token} -> 204, the token revoked; 401.
router.post('/logout', notImplemented('task 3, POST /v1/auth/logout'));

module.exports = router;
