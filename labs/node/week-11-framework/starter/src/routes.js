'use strict';
// The API of LAB.md. These routes are done: the tasks are the middleware around them (src/app.js).
const crypto = require('node:crypto');
const path = require('node:path');
const express = require('express');
const { httpError } = require('./errors');
const catalog = require('./catalog');

const router = express.Router();
const items = new Map();
let nextId = 1;

router.get('/health', (req, res) => res.json({ status: 'ok' }));

router.get('/items', (req, res) => res.json([...items.values()]));

router.post('/items', (req, res) => {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw httpError(400, 'send a JSON object');
  if (typeof body.name !== 'string' || body.name === '') throw httpError(400, 'name must be a non-empty string');
  if (body.note !== undefined && typeof body.note !== 'string') throw httpError(400, 'note must be a string');
  const item = { id: String(nextId++), name: body.name, note: body.note ?? '' };
  items.set(item.id, item);
  res.status(201).json(item);
});

router.get('/items/:id', (req, res) => {
  const item = items.get(req.params.id);
  if (!item) throw httpError(404, 'no such item');
  res.json(item);
});

router.get('/catalog', (req, res) => res.json(catalog.entries));

// The raw body arrives as a Buffer when the request says Content-Type: application/octet-stream
// (the parser is mounted on /uploads in src/app.js).
router.post('/uploads', (req, res) => {
  if (!Buffer.isBuffer(req.body)) throw httpError(415, 'send the file as application/octet-stream');
  const sha256 = crypto.createHash('sha256').update(req.body).digest('hex');
  res.status(201).json({ bytes: req.body.length, sha256 });
});

// Failures on purpose, as a bug would fail: their messages hold a path on the server, which
// no client should see.
const inventory = path.join(__dirname, '..', 'data', 'inventory.json');

router.get('/boom', () => {
  throw new Error(`cannot read ${inventory}`);
});

router.get('/boom/async', async () => {
  await new Promise((resolve) => setImmediate(resolve));
  throw new Error(`cannot parse ${inventory}`);
});

module.exports = router;
