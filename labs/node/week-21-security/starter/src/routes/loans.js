'use strict';
const express = require('express');
const loans = require('../repos/loans');
const { notFoundError } = require('../http/problem');
const { pathId, bodyObject, requireId } = require('../http/validate');

const router = express.Router();

router.post('/', async (req, res) => {
  const body = bodyObject(req);
  const bookId = requireId(body, 'book_id');
  const memberId = requireId(body, 'member_id');
  const loan = await loans.borrow(bookId, memberId);
  res.status(201).location(`/v1/loans/${loan.id}`).json(loan);
});

router.get('/:id', async (req, res) => {
  const loan = await loans.get(pathId(req, 'loan'));
  if (!loan) throw notFoundError('loan');
  res.json(loan);
});

router.post('/:id/return', async (req, res) => {
  res.json(await loans.giveBack(pathId(req, 'loan')));
});

module.exports = router;
