'use strict';
// Writes are limited per client; reads are not (load tests must measure the API, not the
// limiter). The key is req.ip, the peer of the connection: app.js does not trust
// X-Forwarded-For, so a client cannot claim to be someone else.
const { rateLimit } = require('express-rate-limit');
const { sendProblem } = require('./problem');

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

// A fixed window: a burst may straddle two windows, so the limit stays well under half
// of the 100 writes per second that must be refused.
const writeLimiter = rateLimit({
  windowMs: 1000,
  limit: 40,
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  skip: (req) => SAFE.has(req.method),
  handler: (req, res, next, options) => {
    sendProblem(res, options.statusCode, `too many writes: at most ${options.limit} per second per client`);
  },
});

module.exports = { writeLimiter };
