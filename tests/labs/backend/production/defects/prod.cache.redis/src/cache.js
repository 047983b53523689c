'use strict';
// Cache-aside for the hot reads: one book (GET /v1/books/{id}) and pages of the list.
// Defect: the entries live in a Map in this process's memory. Every instance has its own
// Map: a read on the other instance misses, and an update invalidates only the Map of the
// instance that made it.
const crypto = require('node:crypto');
const settings = require('./settings');

const BOOK_TTL_S = settings.cacheTtlS;
const LIST_TTL_S = Math.max(1, Math.floor(settings.cacheTtlS / 2));
const MAX_ENTRIES = 10_000;

const entries = new Map(); // key -> {value, expires}
let generation = 0;

const bookKey = (id) => `book:${id}`;

function listDigest(params) {
  return crypto.createHash('sha1').update(JSON.stringify(params)).digest('base64url');
}

const listKey = (gen, digest) => `books:list:${gen}:${digest}`;

function read(key) {
  const entry = entries.get(key);
  if (!entry) return null;
  if (entry.expires <= Date.now()) {
    entries.delete(key);
    return null;
  }
  return entry.value;
}

function write(key, value, ttlS) {
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value);
  entries.set(key, { value, expires: Date.now() + ttlS * 1000 });
}

async function getBook(id) {
  return read(bookKey(id));
}

async function putBook(id, json) {
  write(bookKey(id), json, BOOK_TTL_S);
}

async function getList(params) {
  const key = listKey(generation, listDigest(params));
  return { json: read(key), key };
}

async function putList(key, json) {
  if (key) write(key, json, LIST_TTL_S);
}

async function bookChanged(id) {
  generation += 1;
  if (id !== null && id !== undefined) entries.delete(bookKey(id));
}

module.exports = {
  getBook, putBook, getList, putList, bookChanged, bookKey, listKey, listDigest, BOOK_TTL_S, LIST_TTL_S,
};
