'use strict';
// Rate limits. Writes are counted in Redis, so every instance adds to the same counters;
// failed logins, in this defect, are not (see below).
//
// - Failed logins: 10 per account and peer per minute, then 429 until the minute ends.
//   The peer is the socket's address, never X-Forwarded-For (the client writes that
//   header and would pick a fresh key for every guess).
// - Writes (POST, PATCH, DELETE): 100 per client per second, then 429. The client is the
//   token's subject when the caller is authenticated, else the peer. Reads are not limited.
const { redis } = require('../redis');
const logger = require('../log');
const { callerOf } = require('./middleware');
const { sendProblem } = require('../http/problem');

const LOGIN_FAILURES = 10;
const LOGIN_WINDOW_S = 60;
const WRITES_PER_SECOND = 100;
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

const loginKey = (email, peer) => `shelf:limit:login:${email}|${peer}`;
const writeKey = (client, second) => `shelf:limit:write:${client}:${second}`;

function refuse(res, retryAfterS, detail) {
  res.set('Retry-After', String(Math.max(1, retryAfterS)));
  sendProblem(res, 429, detail);
}

// Defect: failed logins are counted in this process's memory. Each instance has its own
// counts: behind a balancer that alternates, each sees half of the attempts.
const failures = new Map(); // key -> {count, expires}

/** Seconds the account must wait before its next login attempt, or 0. */
async function loginBlockedFor(email, peer) {
  const entry = failures.get(loginKey(email, peer));
  if (!entry || entry.expires <= Date.now()) return 0;
  return entry.count >= LOGIN_FAILURES ? Math.max(1, Math.ceil((entry.expires - Date.now()) / 1000)) : 0;
}

/** Count one failed login; the window starts at the first failure. */
async function loginFailed(email, peer) {
  const key = loginKey(email, peer);
  const entry = failures.get(key);
  if (!entry || entry.expires <= Date.now()) {
    failures.set(key, { count: 1, expires: Date.now() + LOGIN_WINDOW_S * 1000 });
  } else {
    entry.count += 1;
  }
}

/** Middleware: 429 once a client made WRITES_PER_SECOND writes in the current second. */
async function writeLimiter(req, res, next) {
  if (!WRITE_METHODS.has(req.method)) return next();
  const caller = callerOf(req);
  const client = caller ? `member:${caller.id}` : `peer:${req.socket.remoteAddress}`;
  const second = Math.floor(Date.now() / 1000);
  const key = writeKey(client, second);
  let count = 0;
  try {
    const [[, n]] = await redis.multi().incr(key).expire(key, 2).exec();
    count = n;
  } catch (err) {
    logger.error({ err: err.message }, 'write limiter unavailable');
  }
  if (count > WRITES_PER_SECOND) return refuse(res, 1, `more than ${WRITES_PER_SECOND} writes in one second; slow down`);
  return next();
}

module.exports = {
  loginBlockedFor, loginFailed, writeLimiter, refuse, loginKey, writeKey, LOGIN_FAILURES, WRITES_PER_SECOND,
};
