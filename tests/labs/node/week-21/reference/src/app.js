'use strict';
const express = require('express');
const { headers, corsPolicy } = require('./security');
const { notFound, errorHandler } = require('./http/problem');

const app = express();
app.disable('x-powered-by');
// First, so that every answer (errors and 404s included) carries them.
app.use(headers);
app.use(corsPolicy);
app.use(express.json({ limit: '100kb' }));

app.get('/health', (req, res) => {
  res.json({ status: 'ok' });
});

app.use('/v1/auth/oauth', require('./routes/oauth'));
app.use('/v1/auth', require('./routes/auth'));
app.use('/v1/me/api-keys', require('./routes/apiKeys'));
app.use('/v1/me', require('./routes/me'));
app.use('/v1/authors', require('./routes/authors'));
app.use('/v1/books', require('./routes/books'));
app.use('/v1/members', require('./routes/members'));
app.use('/v1/loans', require('./routes/loans'));

// Order matters: the 404 handler after every route, the error handler last.
app.use(notFound);
app.use(errorHandler);

module.exports = app;
