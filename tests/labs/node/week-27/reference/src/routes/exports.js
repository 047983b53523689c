'use strict';
// Book exports as background jobs: 202 and a status URL at once, the work in src/jobs.
const express = require('express');
const jobs = require('../jobs/exports');
const { notFoundError, conflictError } = require('../http/problem');
const { pathId } = require('../http/validate');

const router = express.Router();

function view(job) {
  const body = { id: job.id, status: job.status };
  if (job.status === 'done') body.download_url = `/v1/exports/${job.id}/download`;
  if (job.status === 'failed') body.error = job.error;
  return body;
}

router.post('/', async (req, res) => {
  const job = await jobs.enqueue();
  res.status(202).location(`/v1/exports/${job.id}`).json(view(job));
});

router.get('/:id', async (req, res) => {
  const job = await jobs.find(pathId(req, 'export'));
  if (!job) throw notFoundError('export');
  res.json(view(job));
});

router.get('/:id/download', async (req, res) => {
  const job = await jobs.find(pathId(req, 'export'));
  if (!job) throw notFoundError('export');
  if (job.status !== 'done') throw conflictError(`the export is ${job.status}, not done`);
  res.json(job.result);
});

module.exports = router;
