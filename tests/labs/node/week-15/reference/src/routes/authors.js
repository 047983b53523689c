'use strict';
const express = require('express');
const { tables, nextId } = require('../store');
const { notFoundError, methodNotAllowed } = require('../http/problem');
const { bodyObject, text } = require('../http/validate');

const router = express.Router();

router.route('/')
  .post((req, res) => {
    const author = { id: nextId('authors'), name: text(bodyObject(req), 'name') };
    tables.authors.set(author.id, author);
    res.status(201).location(`/v1/authors/${author.id}`).json(author);
  })
  .all(methodNotAllowed('POST'));

router.route('/:id')
  .get((req, res) => {
    const author = tables.authors.get(req.params.id);
    if (!author) throw notFoundError('author');
    res.json(author);
  })
  .all(methodNotAllowed('GET', 'HEAD'));

module.exports = router;
