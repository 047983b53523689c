'use strict';
// The middleware chain: every request goes through these in order, then a route, then (when
// nothing answered or something threw) the handlers at the end.
const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const compression = require('compression');
const cors = require('cors');
const express = require('express');
const helmet = require('helmet');
const { httpError } = require('./errors');
const routes = require('./routes');

const ALLOWED_ORIGINS = new Set(['https://app.example.test', 'http://localhost:5173']);
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const PUBLIC = path.join(__dirname, '..', 'public');
const YEAR_MS = 31_536_000 * 1000;

const app = express();

// First, so that every answer carries them, errors included. helmet also removes X-Powered-By.
app.use(helmet());

// A request id: the client's when it is a valid one (never copy arbitrary text into the logs),
// else a new one; on the answer, and in the one log line written when the answer is sent.
app.use((req, res, next) => {
  const sent = req.get('x-request-id');
  req.id = sent && REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
  res.set('X-Request-Id', req.id);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(JSON.stringify({ level: 'info', requestId: req.id, method: req.method, path: req.originalUrl,
      status: res.statusCode, ms: Math.round(ms * 10) / 10 }));
  });
  next();
});

app.use(cors({
  origin: (origin, callback) => callback(null, ALLOWED_ORIGINS.has(origin)),
  methods: ['GET', 'POST'],
  allowedHeaders: ['Content-Type', 'X-Request-Id'],
  exposedHeaders: ['X-Request-Id'],
}));

app.use(compression());

app.use(express.json({ limit: '16kb' }));
app.use('/uploads', express.raw({ type: 'application/octet-stream', limit: '1mb' }));

app.use(routes);

// Fingerprinted assets never change under their name: cache them for a year. index.html names
// the current assets, so it is revalidated on every use (its ETag makes that a 304).
app.use('/assets', express.static(path.join(PUBLIC, 'assets'), { maxAge: YEAR_MS, immutable: true }));
app.use(express.static(PUBLIC, { cacheControl: false, setHeaders: (res) => res.set('Cache-Control', 'no-cache') }));

app.use((req, res, next) => next(httpError(404, `no route for ${req.method} ${req.path}`)));

// Last: four arguments make it Express's error handler. A 4xx keeps its message (the client's
// mistake); a 5xx says nothing of the server, whose details go to the log with the request id.
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  const status = Number.isInteger(err.status) && err.status >= 400 && err.status < 600 ? err.status : 500;
  if (status >= 500) console.error(JSON.stringify({ level: 'error', requestId: req.id, error: err.stack }));
  if (res.headersSent) return next(err);
  const message = status < 500 && err.expose !== false ? err.message : http.STATUS_CODES[status];
  res.status(status).json({ error: message });
});

module.exports = app;
