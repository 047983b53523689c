'use strict';
// Borrow and return. Node runs one handler at a time and these never await, so the check
// of copies_available and its change cannot interleave with another request.
const express = require('express');
const { tables, nextId } = require('../store');
const { notFoundError, conflictError, methodNotAllowed } = require('../http/problem');
const { bodyObject, id } = require('../http/validate');

const router = express.Router();

router.route('/')
  .post((req, res) => {
    const body = bodyObject(req);
    const bookId = id(body, 'book_id');
    const memberId = id(body, 'member_id');
    if (!tables.members.has(memberId)) throw notFoundError('member');
    const book = tables.books.get(bookId);
    if (!book) throw notFoundError('book');
    if (book.copies_available < 1) throw conflictError('no copy of this book is available');
    book.copies_available -= 1;
    const loan = {
      id: nextId('loans'),
      book_id: bookId,
      member_id: memberId,
      borrowed_at: new Date().toISOString(),
      returned_at: null,
    };
    tables.loans.set(loan.id, loan);
    res.status(201).location(`/v1/loans/${loan.id}`).json(loan);
  })
  .all(methodNotAllowed('POST'));

router.route('/:id/return')
  .post((req, res) => {
    const loan = tables.loans.get(req.params.id);
    if (!loan) throw notFoundError('loan');
    if (loan.returned_at !== null) throw conflictError('this loan was already returned');
    loan.returned_at = new Date().toISOString();
    const book = tables.books.get(loan.book_id);
    if (book) book.copies_available += 1;
    res.json(loan);
  })
  .all(methodNotAllowed('POST'));

module.exports = router;
