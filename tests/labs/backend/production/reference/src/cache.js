'use strict';
// Cache-aside in Redis for the hot reads: one book (GET /v1/books/{id}) and pages of the
// list (GET /v1/books?...). Every key has a TTL, so a missed invalidation heals by itself.
//
// Invalidation, after the change is committed in PostgreSQL:
// - a book that changed (PATCH, DELETE, a loan, a return) loses its own key;
// - every list page goes at once: pages are keyed by a generation number that any change
//   to any book increments (a new book, or a changed title, can move into any page).
// Both instances read and write the same Redis, so neither serves what the other changed.
const crypto = require('node:crypto');
const { redis } = require('./redis');
const settings = require('./settings');
const logger = require('./log');

const PREFIX = 'shelf:';
const GENERATION = `${PREFIX}books:generation`;
const BOOK_TTL_S = settings.cacheTtlS;
const LIST_TTL_S = Math.max(1, Math.floor(settings.cacheTtlS / 2));
const GENERATION_TTL_S = 24 * 3600;

const bookKey = (id) => `${PREFIX}book:${id}`;

const LIST_PREFIX = `${PREFIX}books:list:`;

/** A short, fixed-length name for one list page's (validated) parameters. */
function listDigest(params) {
  return crypto.createHash('sha1').update(JSON.stringify(params)).digest('base64url');
}

/** The key of one list page: the generation it was computed in, and its parameters. */
const listKey = (generation, digest) => `${LIST_PREFIX}${generation}:${digest}`;

// The cache is an optimisation: when Redis fails, answer from PostgreSQL and say so in the log.
function warn(action, err) {
  logger.warn({ err: err.message, action }, 'cache unavailable, using PostgreSQL');
}

/** The cached JSON text of a book, or null. */
async function getBook(id) {
  try {
    return await redis.get(bookKey(id));
  } catch (err) {
    warn('get book', err);
    return null;
  }
}

async function putBook(id, json) {
  try {
    await redis.set(bookKey(id), json, 'EX', BOOK_TTL_S);
  } catch (err) {
    warn('put book', err);
  }
}

/**
 * A list page: {json, key}; json is null on a miss, key is where to store it. One round
 * trip: the script reads the generation and the page together.
 */
redis.defineCommand('shelfListPage', {
  numberOfKeys: 1,
  lua: `local generation = redis.call('GET', KEYS[1]) or '0'
        return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}`,
});

async function getList(params) {
  const digest = listDigest(params);
  try {
    const [generation, json] = await redis.shelfListPage(GENERATION, LIST_PREFIX, digest);
    return { json: json || null, key: listKey(generation, digest) };
  } catch (err) {
    warn('get list', err);
    return { json: null, key: null };
  }
}

async function putList(key, json) {
  if (!key) return;
  try {
    await redis.set(key, json, 'EX', LIST_TTL_S);
  } catch (err) {
    warn('put list', err);
  }
}

/** After a change to book `id` (or a new book when id is null): drop what showed the old state. */
async function bookChanged(id) {
  try {
    const tx = redis.multi().incr(GENERATION).expire(GENERATION, GENERATION_TTL_S);
    if (id !== null && id !== undefined) tx.del(bookKey(id));
    await tx.exec();
  } catch (err) {
    logger.error({ err: err.message, book: id }, 'cache invalidation failed: entries expire within their TTL');
  }
}

module.exports = {
  getBook, putBook, getList, putList, bookChanged, bookKey, listKey, listDigest, BOOK_TTL_S, LIST_TTL_S,
};
