'use strict';
const express = require('express');
const loans = require('../repos/loans');
const cache = require('../cache');
const { authenticate } = require('../auth/middleware');
const { notFoundError, forbiddenError } = require('../http/problem');
const { pathId, bodyObject, requireId } = require('../http/validate');

const router = express.Router();
router.use(authenticate);

const mayTouch = (user, memberId) => user.role === 'admin' || user.id === String(memberId);

// A member borrows for themselves; an admin (the librarian) for anyone.
router.post('/', async (req, res) => {
  const body = bodyObject(req);
  const bookId = requireId(body, 'book_id');
  const memberId = requireId(body, 'member_id');
  if (!mayTouch(req.user, memberId)) throw forbiddenError('you may only borrow for yourself');
  const loan = await loans.borrow(bookId, memberId);
  await cache.bookChanged(bookId); // copies_available changed
  res.status(201).location(`/v1/loans/${loan.id}`).json(loan);
});

// Someone else's loan answers 404, like a loan that does not exist.
async function ownLoan(req) {
  const loan = await loans.get(pathId(req, 'loan'));
  if (!loan || !mayTouch(req.user, loan.member_id)) throw notFoundError('loan');
  return loan;
}

router.get('/:id', async (req, res) => {
  res.json(await ownLoan(req));
});

router.post('/:id/return', async (req, res) => {
  const loan = await ownLoan(req);
  const returned = await loans.giveBack(loan.id);
  await cache.bookChanged(returned.book_id);
  res.json(returned);
});

module.exports = router;
