'use strict';
const express = require('express');
const { notFound, errorHandler } = require('./http/problem');
const document = require('../openapi.json');

const app = express();
app.disable('x-powered-by');
// TODO (README, task 6): limit writes per client here, before the routes.
app.use(express.json({ limit: '100kb' }));

app.get('/health', (req, res) => res.json({ status: 'ok' }));
// TODO (README, task 1): openapi.json must describe every route you serve.
app.get('/openapi.json', (req, res) => res.json(document));

app.use('/v1/authors', require('./routes/authors'));
app.use('/v1/books', require('./routes/books'));
app.use('/v1/catalog', require('./routes/catalog'));
app.use('/v1/members', require('./routes/members'));
app.use('/v1/loans', require('./routes/loans'));

// Order matters: the 404 handler after every route, the error handler last.
// Throw an HttpError from src/http/problem.js in a handler and the client gets a
// problem+json answer with its status; Express 5 catches errors in async handlers too.
app.use(notFound);
app.use(errorHandler);

module.exports = app;
