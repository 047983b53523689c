'use strict';
const express = require('express');
const { tables, emails, nextId } = require('../store');
const { validationError, conflictError, methodNotAllowed } = require('../http/problem');
const { bodyObject, text } = require('../http/validate');
const strict = require('../http/strict');

const router = express.Router();

router.route('/')
  .post((req, res) => {
    const body = bodyObject(req);
    const email = text(body, 'email', { max: 254 });
    strict.email(email, 'email');
    const name = text(body, 'name');
    if (emails.has(email.toLowerCase())) throw conflictError('a member with this email already exists');
    const member = { id: nextId('members'), email, name };
    tables.members.set(member.id, member);
    emails.set(email.toLowerCase(), member.id);
    res.status(201).location(`/v1/members/${member.id}`).json(member);
  })
  .all(methodNotAllowed('POST'));

module.exports = router;
