'use strict';
const express = require('express');
const { notFound, errorHandler } = require('./http/problem');
const { notImplemented } = require('./routes/todo');

const app = express();
app.disable('x-powered-by');
// TODO (README, task 4): one JSON log line per request (pino-http is installed), with the
// request's id: X-Request-Id from the request, or a new one, sent back on the response.
// The rest of the app logs JSON too (src/server.js, src/http/problem.js, src/db.js).
app.use(express.json({ limit: '100kb' }));

app.get('/health', (req, res) => {
  res.json({ status: 'ok' });
});

app.use('/v1/authors', require('./routes/authors'));
app.use('/v1/books', require('./routes/books'));
app.use('/v1/members', require('./routes/members'));
app.use('/v1/loans', require('./routes/loans'));
app.use('/v1/exports', require('./routes/exports'));
// TODO (README, task 5): POST /graphql with the schema of the README (graphql and
// dataloader are installed), over the same tables as the REST routes.
app.post('/graphql', notImplemented('task 5, POST /graphql'));

// Order matters: the 404 handler after every route, the error handler last.
app.use(notFound);
app.use(errorHandler);

module.exports = app;
