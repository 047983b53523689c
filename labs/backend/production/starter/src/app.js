'use strict';
const express = require('express');
const { headers, corsPolicy } = require('./security');
const { notFound, errorHandler } = require('./http/problem');

const app = express();
app.disable('x-powered-by');
// TODO (item 4): count every request (method, route template, status) and its duration
// with prom-client, in a middleware mounted before everything else, and serve the
// registry at GET /metrics in the Prometheus text format.
// TODO (item 5): log one JSON line per request with pino-http: its request id (from
// X-Request-Id, or generated), echoed in an X-Request-Id response header; method, URL,
// status, duration. Startup, shutdown and errors go through the same JSON logger.
// TODO (SHELF.md, rate limits): at most 100 writes (POST/PATCH/DELETE) per client per
// second, counted in Redis so that both instances add up; 429 with Retry-After beyond.
// First, so that every answer (errors and 404s included) carries them.
app.use(headers);
app.use(corsPolicy);
app.use(express.json({ limit: '100kb' }));

app.get('/health', (req, res) => {
  res.json({ status: 'ok' });
});

app.use('/v1/auth', require('./routes/auth'));
app.use('/v1/me', require('./routes/me'));
app.use('/v1/authors', require('./routes/authors'));
app.use('/v1/books', require('./routes/books'));
app.use('/v1/members', require('./routes/members'));
app.use('/v1/loans', require('./routes/loans'));

// Order matters: the 404 handler after every route, the error handler last.
app.use(notFound);
app.use(errorHandler);

module.exports = app;
