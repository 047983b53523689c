'use strict';
const express = require('express');
const { notFound, errorHandler, methodNotAllowed } = require('./http/problem');
const { writeLimiter } = require('./http/ratelimit');
const document = require('../openapi.json');

const app = express();
app.disable('x-powered-by');
// No 'trust proxy': req.ip is the peer of the connection, which a client cannot forge.
// Behind a real reverse proxy, name that proxy here (app.set('trust proxy', 'loopback')).
app.use(writeLimiter);
app.use(express.json({ limit: '100kb' }));

app.route('/health')
  .get((req, res) => res.json({ status: 'ok' }))
  .all(methodNotAllowed('GET', 'HEAD'));
app.route('/openapi.json')
  .get((req, res) => res.json(document))
  .all(methodNotAllowed('GET', 'HEAD'));

// Resources live under /v1 only; the next version mounts its routers under /v2.
app.use('/v1/authors', require('./routes/authors'));
app.use('/v1/books', require('./routes/books'));
app.use('/v1/catalog', require('./routes/catalog'));
app.use('/v1/members', require('./routes/members'));
app.use('/v1/loans', require('./routes/loans'));

// Order matters: the 404 handler after every route, the error handler last.
app.use(notFound);
app.use(errorHandler);

module.exports = app;
