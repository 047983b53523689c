'use strict';
// The read cache in front of PostgreSQL (README, task 1). The harness gives the app
// REDIS_URL; ioredis is installed (new Redis(process.env.REDIS_URL)), node-redis works too.
//
// TODO (task 1): getBook(id) -> the cached book or null; putBook(book) stores it under a
//   key of your choice WITH a TTL (SET key value EX 60), so that a missed invalidation
//   heals by itself.
// TODO (task 2): dropBook(id) deletes the entry; the book routes call it on PATCH and DELETE.
// A Map in this process would not do: the cache must be Redis, shared by every process.

async function getBook(_id) {
  return null;
}

async function putBook(_book) {}

async function dropBook(_id) {}

// Called by src/server.js on shutdown: close the Redis connection here.
async function close() {}

module.exports = { getBook, putBook, dropBook, close };
