'use strict';
// Book exports as background jobs (README, task 3).
//
// TODO: POST /v1/exports -> 202 Accepted at once, Location: /v1/exports/{id}, body
//   {id, status: "pending"}; the export itself runs in a worker, not in the request.
// TODO: GET /v1/exports/:id -> 200 {id, status: pending|running|done|failed, download_url
//   once done}; 404 for an unknown id.
// TODO: GET /v1/exports/:id/download (or wherever download_url points) -> 200
//   {"books": [...every book, as GET /v1/books/{id} shows it...]}.
// The job and its status must survive a restart of the app: keep them in PostgreSQL (a
// jobs table, migrations/003_*.sql) or in Redis (a queue such as BullMQ), never in memory.
const express = require('express');
const { notImplemented } = require('./todo');

const router = express.Router();

router.post('/', notImplemented('task 3, POST /v1/exports'));
router.get('/:id', notImplemented('task 3, GET /v1/exports/:id'));

module.exports = router;
