'use strict';
const express = require('express');
const { notImplemented } = require('./todo');

const router = express.Router();

// TODO (README, task 3): GET /v1/me -> 200 the caller {id, email, name, role}; 401 without
// a valid access token. Select the columns you return: never the password hash.
router.get('/', notImplemented('task 3, GET /v1/me'));

// TODO (README, task 8): the caller's API keys (behind authenticate, like GET /v1/me).
// POST /v1/me/api-keys {name} -> 201 {id, name, key}: 256 random bits, shown this once;
// store only sha256(key). POST /v1/me/api-keys/{id}/rotate -> 201 {id, name, key}: a new key,
// and the old one keeps working for one hour from now, then never. DELETE
// /v1/me/api-keys/{id} -> 204, and the key stops working at once.
router.post('/api-keys', notImplemented('task 8, POST /v1/me/api-keys'));
router.post('/api-keys/:id/rotate', notImplemented('task 8, POST /v1/me/api-keys/{id}/rotate'));
router.delete('/api-keys/:id', notImplemented('task 8, DELETE /v1/me/api-keys/{id}'));

module.exports = router;
