'use strict';
// /v1/me/api-keys: the caller's API keys. A key is shown once, in the answer that creates it.
const express = require('express');
const apiKeys = require('../repos/apiKeys');
const { authenticate } = require('../auth/middleware');
const { notFoundError, validationError } = require('../http/problem');

const router = express.Router();
router.use(authenticate);
router.use((req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
});

function keyId(req) {
  if (!/^\d{1,18}$/.test(req.params.id)) throw notFoundError('API key');
  return req.params.id;
}

router.get('/', async (req, res) => {
  res.json({ items: await apiKeys.list(req.user.id) });
});

router.post('/', async (req, res) => {
  const name = req.body?.name ?? 'default';
  if (typeof name !== 'string' || !name.trim() || name.length > 100) throw validationError('name must be a short text');
  const created = await apiKeys.create(req.user.id, name.trim());
  res.status(201).location(`/v1/me/api-keys/${created.id}`).json(created);
});

router.post('/:id/rotate', async (req, res) => {
  const rotated = await apiKeys.rotate(req.user.id, keyId(req));
  if (!rotated) throw notFoundError('API key');
  res.status(201).location(`/v1/me/api-keys/${rotated.id}`).json(rotated);
});

router.delete('/:id', async (req, res) => {
  if (!(await apiKeys.revoke(req.user.id, keyId(req)))) throw notFoundError('API key');
  res.status(204).end();
});

module.exports = router;
