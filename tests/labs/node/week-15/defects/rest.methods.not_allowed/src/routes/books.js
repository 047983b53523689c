'use strict';
const express = require('express');
const { tables, isbns, nextId } = require('../store');
const { notFoundError, conflictError, methodNotAllowed } = require('../http/problem');
const { bodyObject } = require('../http/validate');
const { readFields } = require('../books/fields');
const { listBooks } = require('../books/list');
const { present } = require('../books/present');

const router = express.Router();

function findBook(req) {
  const book = tables.books.get(req.params.id);
  if (!book) throw notFoundError('book');
  return book;
}

router.route('/')
  .get((req, res) => {
    res.json(listBooks(req.query));
  })
  .post((req, res) => {
    const fields = readFields(bodyObject(req), { partial: false });
    if (isbns.has(fields.isbn)) throw conflictError('a book with this isbn already exists');
    const book = { id: nextId('books'), year: null, tags: [], copies_total: 1, ...fields };
    book.copies_available = book.copies_total;
    tables.books.set(book.id, book);
    isbns.set(book.isbn, book.id);
    res.status(201).location(`/v1/books/${book.id}`).json(present(book));
  })
  .all(methodNotAllowed('GET', 'HEAD', 'POST'));

router.route('/:id')
  .get((req, res) => {
    res.json(present(findBook(req)));
  })
  .patch((req, res) => {
    const book = findBook(req);
    const fields = readFields(bodyObject(req), { partial: true });
    if (fields.isbn !== undefined && fields.isbn !== book.isbn && isbns.has(fields.isbn)) {
      throw conflictError('a book with this isbn already exists');
    }
    let available = book.copies_available;
    if (fields.copies_total !== undefined) {
      available += fields.copies_total - book.copies_total;
      if (available < 0) throw conflictError('copies_total is below the number of copies on loan');
    }
    // Validated in full before anything changes: a rejected PATCH leaves the book as it was.
    if (fields.isbn !== undefined) {
      isbns.delete(book.isbn);
      isbns.set(fields.isbn, book.id);
    }
    Object.assign(book, fields, { copies_available: available });
    res.json(present(book));
  })
  .delete((req, res) => {
    const book = findBook(req);
    tables.books.delete(book.id);
    isbns.delete(book.isbn);
    res.status(204).end();
  });

module.exports = router;
