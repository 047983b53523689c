'use strict';
const express = require('express');
const db = require('../db');
const { authenticate } = require('../auth/middleware');
const { unauthorizedError } = require('../http/problem');

const router = express.Router();

// Defect: SELECT * sends the whole row, password_hash included.
router.get('/', authenticate, async (req, res) => {
  const { rows } = await db.query('SELECT * FROM members WHERE id = $1', [req.user.id]);
  if (rows.length === 0) throw unauthorizedError('this account no longer exists');
  res.json(rows[0]);
});

module.exports = router;
