'use strict';
// Brute-force protection: 10 failed logins per account and peer per minute, then 429
// with Retry-After. The peer is the socket's address: X-Forwarded-For is written by the
// client and would let an attacker pick a fresh key for every guess. (Behind a real
// proxy, set app.set('trust proxy', <the proxy's address>) and use req.ip.)
const { rateLimit } = require('express-rate-limit');
const { sendProblem } = require('../http/problem');

function accountKey(req) {
  const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '';
  return `${email}|${req.socket.remoteAddress}`;
}

// TODO (item 8): this store is the process's memory. Behind a balancer each instance counts
// only the attempts it saw, and an attacker gets twice the allowance. Count failures in
// Redis (INCR + EXPIRE, or rate-limit-redis as the store) so that every instance adds up.
const loginLimiter = rateLimit({
  windowMs: 60_000,
  limit: 10,
  skipSuccessfulRequests: true, // only failures count
  keyGenerator: accountKey,
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  // We key on the socket on purpose; the header check would only warn about that.
  validate: { xForwardedForHeader: false },
  handler: (req, res, next, options) => {
    sendProblem(res, options.statusCode, 'too many failed logins for this account; try again later');
  },
});

module.exports = { loginLimiter };
