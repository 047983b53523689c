'use strict';
const express = require('express');
const db = require('../db');
const { notFoundError, validationError, conflictError } = require('../http/problem');
const { pathId, bodyObject, requireText, requireEmail } = require('../http/validate');

const router = express.Router();

router.post('/', async (req, res) => {
  const body = bodyObject(req);
  const email = requireEmail(body, 'email');
  const name = requireText(body, 'name');
  try {
    const { rows } = await db.query(
      'INSERT INTO members (email, name) VALUES ($1, $2) RETURNING id, email, name',
      [email, name],
    );
    res.status(201).location(`/v1/members/${rows[0].id}`).json(rows[0]);
  } catch (err) {
    if (err.code === '23505') throw conflictError('a member with this email already exists');
    throw err;
  }
});

router.get('/:id', async (req, res) => {
  const { rows } = await db.query('SELECT id, email, name FROM members WHERE id = $1', [pathId(req, 'member')]);
  if (rows.length === 0) throw notFoundError('member');
  res.json(rows[0]);
});

module.exports = router;
