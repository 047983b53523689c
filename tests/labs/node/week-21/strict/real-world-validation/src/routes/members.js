'use strict';
const express = require('express');
const db = require('../db');
const { authenticate, requireAdmin, selfOrAdmin } = require('../auth/middleware');
const { notFoundError, validationError, conflictError } = require('../http/problem');
const { pathId, bodyObject, requireText, requireEmail } = require('../http/validate');

const router = express.Router();

// Members sign up through POST /v1/auth/register; an admin may still add one (no password).
router.post('/', authenticate, requireAdmin, async (req, res) => {
  const body = bodyObject(req);
  const email = requireText(body, 'email').trim().toLowerCase();
  requireEmail({ email }, 'email');
  const name = requireText(body, 'name');
  try {
    const { rows } = await db.query(
      'INSERT INTO members (email, name) VALUES ($1, $2) RETURNING id, email, name, role',
      [email, name],
    );
    res.status(201).location(`/v1/members/${rows[0].id}`).json(rows[0]);
  } catch (err) {
    if (err.code === '23505') throw conflictError('a member with this email already exists');
    throw err;
  }
});

router.get('/:id', authenticate, selfOrAdmin('id'), async (req, res) => {
  const { rows } = await db.query('SELECT id, email, name, role FROM members WHERE id = $1', [
    pathId(req, 'member'),
  ]);
  if (rows.length === 0) throw notFoundError('member');
  res.json(rows[0]);
});

// The ownership check runs before any query: another member learns nothing, not even
// whether the id exists.
router.get('/:id/loans', authenticate, selfOrAdmin('id'), async (req, res) => {
  const { rows } = await db.query(
    `SELECT id, book_id, member_id, borrowed_at, returned_at FROM loans
      WHERE member_id = $1 ORDER BY id`,
    [pathId(req, 'member')],
  );
  res.json({ items: rows });
});

module.exports = router;
