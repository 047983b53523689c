'use strict';
const express = require('express');
const accounts = require('../repos/accounts');
const { authenticate } = require('../auth/middleware');
const { unauthorizedError } = require('../http/problem');

const router = express.Router();

router.get('/', authenticate, async (req, res) => {
  const member = await accounts.get(req.user.id);
  if (!member) throw unauthorizedError('this account no longer exists');
  res.json(member);
});

module.exports = router;
