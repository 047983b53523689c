'use strict';
// Cache-aside for single books in Redis: GET reads here first, PATCH and DELETE drop the
// entry. Every entry expires, so a missed invalidation heals within TTL_S.
const Redis = require('ioredis');
const log = require('./log');

const TTL_S = 60;
const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
redis.on('error', (err) => log.warn({ err }, 'redis error'));

const key = (id) => `shelf:book:${id}`;

// A cache that is down must not take the reads down with it: a miss, then PostgreSQL.
async function getBook(id) {
  try {
    const text = await redis.get(key(id));
    return text ? JSON.parse(text) : null;
  } catch (err) {
    log.warn({ err }, 'cache read failed');
    return null;
  }
}

async function putBook(book) {
  try {
    await redis.set(key(book.id), JSON.stringify(book), 'EX', TTL_S);
  } catch (err) {
    log.warn({ err }, 'cache write failed');
  }
}

// Not swallowed: an update whose old copy stays cached must not answer 200.
async function dropBook(id) {
  await redis.del(key(id));
}

async function close() {
  await redis.quit();
}

module.exports = { getBook, putBook, dropBook, close };
