'use strict';
// One Redis connection per process, shared by the cache and the rate limiters: every
// instance of the app sees the same keys. Commands issued in the same tick travel in one
// round trip (auto-pipelining), which matters at a thousand requests per second.
const Redis = require('ioredis');
const settings = require('./settings');
const logger = require('./log');

const redis = new Redis(settings.redisUrl, {
  enableAutoPipelining: true,
  // Fail a command quickly when Redis is away, instead of queueing requests forever:
  // callers fall back to PostgreSQL (cache) or let the request through (limiters).
  maxRetriesPerRequest: 1,
  connectTimeout: 5_000,
});

let lastError = 0;
redis.on('error', (err) => {
  // ioredis retries by itself; log at most once every 10 s.
  if (Date.now() - lastError > 10_000) logger.error({ err: err.message }, 'redis connection error');
  lastError = Date.now();
});

function close() {
  return redis.quit().catch(() => redis.disconnect());
}

module.exports = { redis, close };
