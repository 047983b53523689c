'use strict';
const express = require('express');
const db = require('../db');
const { authenticate, requireAdmin } = require('../auth/middleware');
const { notFoundError } = require('../http/problem');
const { pathId, bodyObject, requireText } = require('../http/validate');

const router = express.Router();

router.post('/', authenticate, requireAdmin, async (req, res) => {
  const name = requireText(bodyObject(req), 'name');
  const { rows } = await db.query('INSERT INTO authors (name) VALUES ($1) RETURNING id, name', [name]);
  res.status(201).location(`/v1/authors/${rows[0].id}`).json(rows[0]);
});

router.get('/:id', async (req, res) => {
  const { rows } = await db.query('SELECT id, name FROM authors WHERE id = $1', [pathId(req, 'author')]);
  if (rows.length === 0) throw notFoundError('author');
  res.json(rows[0]);
});

module.exports = router;
