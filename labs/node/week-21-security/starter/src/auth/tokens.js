'use strict';
// Tokens (README, task 3). The npm package jsonwebtoken is installed.
//
// Access token: a JWT, jwt.sign({ role }, SECRET, { algorithm: 'HS256', subject: id,
//   expiresIn: 15 * 60 }); verified with jwt.verify(token, SECRET, { algorithms: ['HS256'] })
//   (never jwt.decode: it reads a token without checking anything).
// SECRET: at least 32 random bytes: process.env.JWT_SECRET when it is set and long
//   enough, else crypto.randomBytes(32) (tokens then end with a restart: fine here).
// Refresh token: crypto.randomBytes(32).toString('base64url'), opaque, stored in the
//   database only as sha256(token) (crypto.createHash('sha256')).

function notYet() {
  throw new Error('src/auth/tokens.js is not written yet (README, task 3)');
}

module.exports = { signAccess: notYet, verifyAccess: notYet, newRefreshToken: notYet, digest: notYet };
