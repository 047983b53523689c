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

// Sign-in with an OpenID provider (README, task 7): the authorization code flow with PKCE.
// The harness runs the provider and gives you OAUTH_ISSUER, OAUTH_CLIENT_ID,
// OAUTH_CLIENT_SECRET and OAUTH_REDIRECT_URI; its endpoints are listed in
// $OAUTH_ISSUER/.well-known/openid-configuration.

// TODO (README, task 7): GET /v1/auth/oauth/login -> 302 to the provider's authorization_endpoint
// with response_type=code, client_id, redirect_uri=$OAUTH_REDIRECT_URI, scope=openid email profile,
// a new random state and the S256 code_challenge of a new random code_verifier; remember both
// for the callback (a signed HttpOnly cookie, or the server side).
router.get('/oauth/login', notImplemented('task 7, GET /v1/auth/oauth/login'));

// TODO (README, task 7): GET /v1/auth/oauth/callback?code=...&state=...
// 400 when the state is missing or not the one you sent (before the code is used); then POST
// the code, redirect_uri and code_verifier to the token_endpoint (HTTP Basic: client id and
// secret), verify the id_token (RS256 with the key of jwks_uri; iss, aud, exp, nonce), find the
// account by (issuer, sub) or create it, and answer 200 with your own tokens, as login does.
router.get('/oauth/callback', notImplemented('task 7, GET /v1/auth/oauth/callback'));

module.exports = router;
