'use strict';
// Rate limits, counted in Redis so that every instance adds to the same counters: with
// counters in each process's memory, two instances would let twice the traffic through.
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

/** Seconds the account must wait before its next login attempt, or 0. */
async function loginBlockedFor(email, peer) {
  const key = loginKey(email, peer);
  try {
    const [[, failures], [, ttl]] = await redis.multi().get(key).ttl(key).exec();
    return Number(failures) >= LOGIN_FAILURES ? Math.max(1, ttl) : 0;
  } catch (err) {
    // Redis away: let the login through (bcrypt still makes each guess expensive).
    logger.error({ err: err.message }, 'login limiter unavailable');
    return 0;
  }
}

/** Count one failed login; the window starts at the first failure. */
async function loginFailed(email, peer) {
  const key = loginKey(email, peer);
  try {
    await redis.multi().set(key, 0, 'EX', LOGIN_WINDOW_S, 'NX').incr(key).exec();
  } catch (err) {
    logger.error({ err: err.message }, 'login limiter unavailable');
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
